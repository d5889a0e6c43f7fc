// `npm run world-check -- CHECKPOINT [options]`: measures method.md's conditions on a start model
// ("What a start model must show before any RL is worth running") on held-out hard problems of the
// task world at the rollout temperature, and prints each condition, its figure and pass or fail.
// Exit 0 when every condition passes, 1 when one fails, 2 on bad options.

import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { acquireGpu } from '../gpu/device';
import { PipelineCache } from '../gpu/pipelines';
import { startFromCheckpoint } from '../rl/start-weights';
import { taskConfig, type TaskConfig } from '../tasks/task-config';
import { hardProblems } from '../tasks/splits';
import { checkWorld, frozenSampler, type WorldCheckOptions } from '../experiment/start-conditions';
import { UsageError, floatArg, intArg, runCli } from './args';

const HELP = `usage: npm run world-check -- CHECKPOINT [options]
  --problems N        held-out hard problems (default 128)
  --samples N         samples per problem for pass@k and guessing (default 16)
  --prefix-samples N  samples per problem and step for the conditional checks (default 8)
  --temperature X     rollout temperature (default 0.8, method.md)
  --tasks JSON        the task world the checkpoint was pre-trained on (default: the built-in world)
  --seed N            sampling seed (default 1)
  --json FILE         also write the report as JSON`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: {
      problems: { type: 'string' },
      samples: { type: 'string' },
      'prefix-samples': { type: 'string' },
      temperature: { type: 'string' },
      tasks: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  if (positionals.length !== 1)
    throw new UsageError('give one checkpoint file, e.g. public/pretrained/pretrained.ckpt');
  let tasks: Partial<TaskConfig> = {};
  if (values.tasks) {
    try {
      tasks = JSON.parse(values.tasks) as Partial<TaskConfig>;
    } catch (e) {
      throw new UsageError(`--tasks is not JSON: ${(e as Error).message}`);
    }
  }
  const cfg = taskConfig(tasks);
  const o: WorldCheckOptions = {
    problems: intArg('problems', values.problems, 128, 1, 10000),
    samples: intArg('samples', values.samples, 16, 8, 1024),
    prefixSamples: intArg('prefix-samples', values['prefix-samples'], 8, 1, 1024),
    temperature: floatArg('temperature', values.temperature, 0.8, 0, 10),
    k: 8,
    batch: 256,
    seed: intArg('seed', values.seed, 1, 0, 2 ** 31 - 1),
    maxNewTokens: 0,
  };
  let bytes: Buffer;
  try {
    bytes = await readFile(positionals[0]);
  } catch (e) {
    throw new UsageError(
      `cannot read checkpoint ${positionals[0]}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  const start = startFromCheckpoint(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  );
  const problems = hardProblems(cfg, 'eval', Math.min(o.problems, cfg.nEval));
  if (problems.length < o.problems)
    console.log(`note: the world holds ${problems.length} held-out problems (tasks.nEval); checking those`);
  o.problems = problems.length;
  o.maxNewTokens = Math.max(...problems.map((p) => p.worked.length)) + 8;
  const { device, info } = await acquireGpu();
  console.log(`adapter: ${info.adapterName}${info.isFallback ? ' (CPU fallback)' : ''}`);
  console.log(
    `world check of ${positionals[0]}: ${o.problems} held-out hard problems (${cfg.hardSteps.join('-')} steps), temperature ${o.temperature}`,
  );
  const gpu = { device, pipelines: new PipelineCache(device) };
  const s = frozenSampler(gpu, start.config, start.params, o.batch, o.temperature);
  try {
    const report = await checkWorld(problems, s.sample, o, (l) => console.log(l));
    console.log('');
    for (const c of report.conditions) {
      console.log(
        `${c.pass ? 'PASS' : 'FAIL'}  ${c.what}: ${(100 * c.figure).toFixed(1)}% (needs ${c.id === 'dead-zone' || c.id === 'no-guessing' ? '<=' : '>='} ${(100 * c.threshold).toFixed(0)}%)  [${c.detail}]`,
      );
    }
    if (values.json)
      await writeFile(
        values.json,
        JSON.stringify({ checkpoint: positionals[0], options: o, tasks, ...report }, null, 2) + '\n',
      );
    if (!report.conditions.every((c) => c.pass)) process.exitCode = 1;
  } finally {
    s.destroy();
  }
}

void runCli(main);
