// `npm run grpo -- <options>`: sparse-reward GRPO under Node on WebGPU. Takes a checkpoint (or a
// fresh seeded model for the `digits` task), prints one metrics line per step, writes a checkpoint.

import { parseArgs } from 'node:util';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { acquireGpu } from '../gpu/device';
import { PipelineCache } from '../gpu/pipelines';
import { MODEL_PRESETS } from '../model/config';
import { DEFAULT_RL, type RlConfig } from '../rl/rl-config';
import { createRlLoop, startFromCheckpoint, startFresh, rlCheckpoint } from '../rl/rl-session';
import { VERIFIABLE_TASKS, problemStream } from '../tasks/verifiable';
import { UsageError, intArg, floatArg, choiceArg, runCli } from './args';

const HELP = `usage: npm run grpo -- [options]
  --task NAME        (default add) ${Object.entries(VERIFIABLE_TASKS).map(([k, t]) => `${k}: ${t.description}`).join('; ')}
  --checkpoint FILE  start from this checkpoint (npm run train writes runs/pretrain.ckpt)
  --fresh PRESET     or start from a fresh seeded model of a preset (${Object.keys(MODEL_PRESETS).join(', ')})
  --init-seed N      with --fresh: the initialisation seed (default 1)
  --steps N          RL steps (default 20)
  --prompts N        prompts per step (default ${DEFAULT_RL.promptsPerStep})
  --group N          samples per prompt (default ${DEFAULT_RL.groupSize})
  --max-new N        response token limit (default 4 for digits, 16 for add)
  --lr X             learning rate (default ${DEFAULT_RL.lr})
  --beta X           KL coefficient (default ${DEFAULT_RL.beta})
  --temperature X    sampling temperature (default ${DEFAULT_RL.temperature})
  --seed N           seed of the problems and the sampler (default ${DEFAULT_RL.seed})
  --out FILE         checkpoint written at the end (default runs/grpo.ckpt)`;

const COLUMNS: [string, string, number][] = [
  ['reward', 'reward', 3], ['reward_std', 'std', 3], ['frac_reward_zero_std', 'zero_std', 2], ['kl', 'kl', 5], ['entropy', 'entropy', 3],
  ['clip_ratio/low_mean', 'clip_lo', 3], ['clip_ratio/high_mean', 'clip_hi', 3], ['grad_norm', 'grad', 3],
  ['completions/mean_length', 'len', 1], ['completions/max_length', 'len_max', 0], ['completions/clipped_ratio', 'trunc', 2],
  ['tokens_per_s', 'tok/s', 0], ['timing/sample_s', 'sample_s', 2], ['timing/reward_s', 'reward_s', 2], ['timing/update_s', 'update_s', 2],
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      task: { type: 'string' }, checkpoint: { type: 'string' }, fresh: { type: 'string' }, 'init-seed': { type: 'string' }, steps: { type: 'string' },
      prompts: { type: 'string' }, group: { type: 'string' }, 'max-new': { type: 'string' }, lr: { type: 'string' },
      beta: { type: 'string' }, temperature: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  const taskName = choiceArg('task', values.task, 'add', Object.keys(VERIFIABLE_TASKS));
  if (values.checkpoint && values.fresh) throw new UsageError('give either --checkpoint or --fresh, not both');
  let start;
  if (values.checkpoint) {
    let bytes: Buffer;
    try {
      bytes = await readFile(values.checkpoint);
    } catch (e) {
      throw new UsageError(`cannot read checkpoint ${values.checkpoint}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    start = startFromCheckpoint(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  } else if (values.fresh) {
    start = startFresh(MODEL_PRESETS[choiceArg('fresh', values.fresh, 'tiny', Object.keys(MODEL_PRESETS))], intArg('init-seed', values['init-seed'], 1, 0, 2 ** 31 - 1));
  } else {
    throw new UsageError('give --checkpoint FILE (e.g. from npm run train) or --fresh PRESET');
  }
  const cfg: RlConfig = {
    ...DEFAULT_RL,
    promptsPerStep: intArg('prompts', values.prompts, DEFAULT_RL.promptsPerStep, 1, 1024),
    groupSize: intArg('group', values.group, DEFAULT_RL.groupSize, 2, 256),
    maxNewTokens: intArg('max-new', values['max-new'], taskName === 'digits' ? 4 : 16, 1, start.config.contextLength - 8),
    lr: floatArg('lr', values.lr, DEFAULT_RL.lr, 1e-7, 1),
    beta: floatArg('beta', values.beta, DEFAULT_RL.beta, 0, 10),
    temperature: floatArg('temperature', values.temperature, DEFAULT_RL.temperature, 0, 10),
    seed: intArg('seed', values.seed, DEFAULT_RL.seed, 0, 2 ** 31 - 1),
    // `digits` grades the first token of a fixed-length response, so reaching the limit is not a failure there.
    truncationGuard: taskName !== 'digits',
  };
  const steps = intArg('steps', values.steps, 20, 1, 1e6);
  const out = values.out ?? 'runs/grpo.ckpt';

  const { device, info } = await acquireGpu();
  console.log(`adapter: ${info.adapterName}${info.isFallback ? ' (CPU fallback)' : ''}`);
  const gpu = { device, pipelines: new PipelineCache(device) };
  const loop = createRlLoop(gpu, start, cfg);
  const task = VERIFIABLE_TASKS[taskName];
  const next = problemStream(task, cfg.seed);
  console.log(`task: ${taskName} (${task.description}); ${cfg.promptsPerStep} prompts x ${cfg.groupSize} samples per step`);
  console.log(['step', ...COLUMNS.map(([, h]) => h)].map((h) => h.padStart(9)).join(''));
  for (let i = 0; i < steps; i++) {
    const problems = Array.from({ length: cfg.promptsPerStep }, next);
    const r = await loop.step(problems.map((p) => p.prompt), async (item, response) => {
      const c = problems[item].check(response);
      return { score: { kind: 'outcome', reward: c }, correct: c };
    });
    console.log([String(r.step), ...COLUMNS.map(([k, , d]) => (k in r.metrics ? r.metrics[k].toFixed(d) : '-'))].map((s) => s.padStart(9)).join(''));
  }
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, new Uint8Array(await rlCheckpoint(loop, { task: taskName, algorithm: 'grpo', rl: cfg })));
  console.log(`checkpoint written to ${out}`);
  loop.destroy();
}

void runCli(main);
