// `npm run bench`: speed on the adapter it finds (named in the output), as ratios against a peer
// measured in the same run: matmul and the whole model's training step against tfjs-webgpu, KV-cache
// sampling against full recompute, and (with --baseline DIR) start-up, pre-training and the GRPO step
// against an older checkout; plus training-step tokens/s and the GRPO step's sampling/update split.
// --profile prints the time per kernel of a training step, an RL update and a decode step instead.

import { parseArgs } from 'node:util';
import { ROBUST_ENV, acquireGpu } from '../src/gpu/device';
import { PipelineCache } from '../src/gpu/pipelines';
import { VOCAB_SIZE } from '../src/model/tokenizer';
import { benchMatmul, formatMatmulTable, modelMatmulShapes, squareShapes } from './matmul-bench';
import { benchTrainStep } from './train-bench';
import { benchSampling } from './sample-bench';
import { benchGrpoStep } from './grpo-bench';
import { benchProfile, formatProfile } from './profile-bench';
import { runCompare } from './compare-report';
import { benchModels } from './model-bench';
import { floatArg, intArg, runCli, UsageError } from '../src/cli/args';

const SECTIONS = ['matmul', 'model', 'train', 'sample', 'grpo', 'compare'];
const HELP = `usage: npm run bench -- [options]
  --only LIST        comma-separated sections: ${SECTIONS.join(',')} (default all)
  --reps N           matmul repetitions per shape (default 7)
  --peak-gflops X    the adapter's fp32 peak, to print the fraction reached (real GPUs)
  --profile          only the time per kernel of one training step, one RL update and one decode step
  --baseline DIR     an older checkout (e.g. git worktree add /tmp/base <commit>; symlink node_modules) for
                     the compare section: start-up, pre-training and GRPO step, both trees in this run`;

function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const w = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((c, i) => c.padStart(w[i])).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      reps: { type: 'string' },
      'peak-gflops': { type: 'string' },
      profile: { type: 'boolean' },
      baseline: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  const only = (values.only ?? SECTIONS.join(',')).split(',');
  for (const s of only)
    if (!SECTIONS.includes(s))
      throw new UsageError(`--only: unknown section ${JSON.stringify(s)} (choose from ${SECTIONS.join(', ')})`);
  const reps = intArg('reps', values.reps, 7, 1, 1000);
  const peak = floatArg('peak-gflops', values['peak-gflops'], 0, 0, 1e7);

  const { device, info } = await acquireGpu({ timestamps: values.profile });
  const gpu = { device, pipelines: new PipelineCache(device) };
  console.log(
    `adapter: ${info.adapterName}${info.isFallback ? ' (CPU fallback: compare ratios, not absolute times)' : ''}; ` +
      `buffer accesses ${info.robustAccess ? 'clamped (robustness transform on)' : `not clamped (robustness transform off; ${ROBUST_ENV}=1 keeps it)`}`,
  );
  if (values.profile) {
    console.log(
      `\n## time per kernel (${info.hasTimestamps ? 'timestamp queries' : 'no timestamp queries on this adapter: each kernel submitted alone and waited for'}; median of ${reps})`,
    );
    const rows = await benchProfile(gpu, ['tiny', 'small'], { B: 16, T: 64, S: 32, rlT: 48, decodeT: 32, reps });
    for (const r of rows) console.log(`\n${formatProfile(r)}`);
    return;
  }

  // tfjs's kernels rely on Dawn's robustness transform (without it the process crashed in tfjs's
  // whole-model step on SwiftShader): the peer runs on a second device of the same adapter that keeps
  // the transform; ours run as the CLIs run them (EXPRL_ROBUST_SHADERS=1 gives ours the transform too).
  let peerDevice: GPUDevice | undefined;
  const peer = async () => (peerDevice ??= info.robustAccess ? device : (await acquireGpu({ robust: true })).device);
  if (only.includes('matmul')) {
    console.log('\n## matmul: ours vs @tensorflow/tfjs-backend-webgpu, same adapter, same run (median GFLOP/s)');
    const shapes = [
      ...modelMatmulShapes(64, 256, VOCAB_SIZE),
      ...modelMatmulShapes(128, 512, VOCAB_SIZE),
      ...squareShapes([128, 256, 512]),
    ];
    const rows = await benchMatmul(gpu, shapes, { reps, peerDevice: await peer() });
    console.log(formatMatmulTable(rows));
    const worst = rows.reduce((w, r) => (r.ratio < w.ratio ? r : w));
    console.log(`lowest ratio ${worst.ratio.toFixed(2)}x (${worst.label})`);
    if (peak > 0)
      console.log(
        `best of ours: ${((Math.max(...rows.map((r) => r.oursGflops)) / peak) * 100).toFixed(2)}% of ${peak} GFLOP/s fp32 peak`,
      );
  }
  if (only.includes('model')) {
    console.log(
      '\n## whole model: full training step, ours vs the same GPT in tfjs-webgpu (same config, weights and batch, same adapter), B=16 T=64',
    );
    const rows = await benchModels(gpu, ['tiny', 'small'], 16, 64, Math.min(reps, 3), 2, await peer()); // tfjs takes seconds per step here
    console.log(
      table(
        [
          'preset',
          'params',
          'loss@0 ours',
          'loss@0 tfjs',
          `loss@${Math.min(reps, 3) + 1} ours`,
          `loss@${Math.min(reps, 3) + 1} tfjs`,
          'ours ms',
          'tfjs ms',
          'ratio',
        ],
        rows.map((r) => [
          r.preset,
          r.params,
          r.oursLoss0.toFixed(5),
          r.tfjsLoss0.toFixed(5),
          r.oursLossLast.toFixed(5),
          r.tfjsLossLast.toFixed(5),
          r.oursMs.toFixed(0),
          r.tfjsMs.toFixed(0),
          `${r.ratio.toFixed(2)}x`,
        ]),
      ),
    );
  }
  if (only.includes('train')) {
    console.log('\n## full training step (forward, backward, AdamW), B=16 T=64');
    const rows = await benchTrainStep(gpu, ['small', 'medium'], 16, 64);
    console.log(
      table(
        ['preset', 'params', 'ms/step', 'tokens/s'],
        rows.map((r) => [r.preset, r.params, r.msPerStep.toFixed(0), r.tokensPerSec.toFixed(0)]),
      ),
    );
  }
  if (only.includes('sample')) {
    for (const newTokens of [64, 128]) {
      console.log(
        `\n## sampling: KV cache vs full recompute, S=16 sequences, ${newTokens} new tokens, both on the GPU sampler`,
      );
      const rows = await benchSampling(gpu, ['tiny', 'small'], 16, newTokens);
      console.log(
        table(
          ['preset', 'params', 'kv tok/s', 'recompute tok/s', 'ratio', 'same tokens'],
          rows.map((r) => [
            r.preset,
            r.params,
            r.kvTokensPerSec.toFixed(0),
            r.fullTokensPerSec.toFixed(1),
            `${r.ratio.toFixed(1)}x`,
            r.agree.toFixed(2),
          ]),
        ),
      );
    }
  }
  if (only.includes('compare')) {
    if (values.baseline) await runCompare(values.baseline, reps);
    else console.log('\n## compare: skipped (pass --baseline DIR, an older checkout, to measure it against this one)');
  }
  if (only.includes('grpo')) {
    console.log(
      '\n## GRPO step: sampling vs update time (median of 4 steps after warm-up), 4 prompts x 8 samples, 32 new tokens',
    );
    const rows = await benchGrpoStep(gpu, ['tiny', 'small'], 4, 8, 32);
    console.log(
      table(
        ['preset', 'sample s', 'update s', 'update/sample', 'sampled tok/s'],
        rows.map((r) => [
          r.preset,
          r.sampleS.toFixed(2),
          r.updateS.toFixed(2),
          `${(r.updateS / r.sampleS).toFixed(2)}x`,
          r.sampledTokensPerSec.toFixed(0),
        ]),
      ),
    );
  }
}

void runCli(main);
