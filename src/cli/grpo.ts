// `npm run grpo -- <options>`: sparse-reward GRPO under Node on WebGPU through the shared run
// lifecycle. Takes a checkpoint (or a fresh seeded model for the `digits` task), prints one metrics
// line per step, writes a checkpoint (every --checkpoint-every steps and at the end; --resume continues).

import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { acquireGpu } from '../gpu/device';
import { PipelineCache } from '../gpu/pipelines';
import { MODEL_PRESETS } from '../model/config';
import { DEFAULT_RL, type RlConfig } from '../rl/rl-config';
import { startFromCheckpoint, startFresh } from '../rl/start-weights';
import { VERIFIABLE_TASKS, problemStream, type VerifiableProblem } from '../tasks/verifiable';
import { RlJob, type RlProblem } from '../run/rl-job';
import { formatMetric, METRICS, type MetricName } from '../run/metric-names';
import { UsageError, intArg, floatArg, choiceArg, runCli } from './args';
import { driveToFiles, reportOutcome } from './drive';

const HELP = `usage: npm run grpo -- [options]
  --task NAME        (default add) ${Object.entries(VERIFIABLE_TASKS)
    .map(([k, t]) => `${k}: ${t.description}`)
    .join('; ')}
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
  --out FILE         checkpoint (default runs/grpo.ckpt); metrics go to FILE.metrics.jsonl
  --checkpoint-every N  steps between checkpoints (default 10)
  --resume           continue from the checkpoint at --out (same options), if it exists`;

const COLUMNS: MetricName[] = [
  'rl/reward',
  'rl/reward_std',
  'rl/frac_reward_zero_std',
  'rl/kl',
  'rl/entropy',
  'rl/clip_ratio/low_mean',
  'rl/clip_ratio/high_mean',
  'rl/grad_norm',
  'rl/completions/mean_length',
  'rl/completions/max_length',
  'rl/completions/clipped_ratio',
  'rl/tokens_per_s',
  'rl/timing/sample_s',
  'rl/timing/reward_s',
  'rl/timing/update_s',
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      task: { type: 'string' },
      checkpoint: { type: 'string' },
      fresh: { type: 'string' },
      'init-seed': { type: 'string' },
      steps: { type: 'string' },
      prompts: { type: 'string' },
      group: { type: 'string' },
      'max-new': { type: 'string' },
      lr: { type: 'string' },
      beta: { type: 'string' },
      temperature: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      'checkpoint-every': { type: 'string' },
      resume: { type: 'boolean' },
      help: { type: 'boolean' },
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
      throw new UsageError(
        `cannot read checkpoint ${values.checkpoint}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
    start = startFromCheckpoint(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
  } else if (values.fresh) {
    start = startFresh(
      MODEL_PRESETS[choiceArg('fresh', values.fresh, 'tiny', Object.keys(MODEL_PRESETS))],
      intArg('init-seed', values['init-seed'], 1, 0, 2 ** 31 - 1),
    );
  } else {
    throw new UsageError('give --checkpoint FILE (e.g. from npm run train) or --fresh PRESET');
  }
  const cfg: RlConfig = {
    ...DEFAULT_RL,
    promptsPerStep: intArg('prompts', values.prompts, DEFAULT_RL.promptsPerStep, 1, 1024),
    groupSize: intArg('group', values.group, DEFAULT_RL.groupSize, 2, 256),
    maxNewTokens: intArg(
      'max-new',
      values['max-new'],
      taskName === 'digits' ? 4 : 16,
      1,
      start.config.contextLength - 8,
    ),
    lr: floatArg('lr', values.lr, DEFAULT_RL.lr, 1e-7, 1),
    beta: floatArg('beta', values.beta, DEFAULT_RL.beta, 0, 10),
    temperature: floatArg('temperature', values.temperature, DEFAULT_RL.temperature, 0, 10),
    seed: intArg('seed', values.seed, DEFAULT_RL.seed, 0, 2 ** 31 - 1),
    // `digits` grades the first token of a fixed-length response, so reaching the limit is not a failure there.
    truncationGuard: taskName !== 'digits',
  };
  const steps = intArg('steps', values.steps, 20, 1, 1e6);
  const out = values.out ?? 'runs/grpo.ckpt';

  const checkpointEvery = intArg('checkpoint-every', values['checkpoint-every'], 10, 1, 1e6);

  const { device, info } = await acquireGpu();
  console.log(`adapter: ${info.adapterName}${info.isFallback ? ' (CPU fallback)' : ''}`);
  const gpu = { device, pipelines: new PipelineCache(device) };
  const task = VERIFIABLE_TASKS[taskName];
  const next = problemStream(task, cfg.seed);
  let n = 0;
  const spec = {
    cfg,
    steps,
    draw: (): RlProblem & VerifiableProblem => ({ ...next(), id: String(n++) }),
    score: async (p: VerifiableProblem, response: string) => {
      const c = p.check(response);
      return { score: { kind: 'outcome' as const, reward: c }, correct: c };
    },
    meta: { task: taskName, algorithm: 'grpo', rl: cfg },
  };
  const resuming = values.resume === true && existsSync(out);
  const job = resuming
    ? RlJob.resume(gpu, (await readFile(out)).buffer as ArrayBuffer, spec)
    : RlJob.create(gpu, start, spec);
  if (resuming) console.log(`resuming from ${out} at step ${job.stepCount}`);
  console.log(
    `task: ${taskName} (${task.description}); ${cfg.promptsPerStep} prompts x ${cfg.groupSize} samples per step`,
  );
  console.log(['step', ...COLUMNS.map((k) => METRICS[k].short)].map((h) => h.padStart(9)).join(''));
  const outcome = await driveToFiles(job, {
    checkpointPath: out,
    metricsPath: `${out}.metrics.jsonl`,
    checkpointEvery,
    device,
    onStep: (p) =>
      console.log(
        [String(p.step), ...COLUMNS.map((k) => formatMetric(k, p.values[k]))].map((x) => x.padStart(9)).join(''),
      ),
  });
  reportOutcome(outcome, out, job.stepCount);
  if (outcome.status === 'done') console.log(`checkpoint written to ${out}`);
  job.destroy();
}

void runCli(main);
