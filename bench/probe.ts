// One measurement in a fresh process, with the code of a given tree, printed as one JSON line: what
// `npm run bench -- --only compare` runs for this checkout and for an older one (a git worktree),
// so both are measured the same way, in the same bench run. A fresh process per start-up measurement,
// because compiled pipelines live as long as the device. Only APIs both trees have are used.
//   startup  process start -> first finished pre-training step (acquire the GPU, record, compile, step)
//   train    pre-training ms per step: median of `reps` steps after 2 warm-up steps
//   rl       GRPO step on `digits` from a fresh model: median sampling / scoring / update seconds
// usage: node --import tsx --import bench/register-raw.mjs bench/probe.ts JSON
//   JSON: { root, what, config (ModelConfig), B, T, reps, mode?: 'sync' | 'async', P?, G?, newTokens? }

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StartupClock } from '../src/gpu/startup';

const t0 = performance.now(); // ms since the process started (before any project module is loaded)

interface Job {
  root: string;
  what: 'startup' | 'train' | 'rl';
  config: Record<string, number>;
  B: number;
  T: number;
  reps: number;
  mode?: 'sync' | 'async';
  P?: number;
  G?: number;
  newTokens?: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as Job;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const load = (path: string): Promise<any> => import(pathToFileURL(resolve(job.root, path)).href);
  // The first of the paths that the tree has (a module that was renamed since the older tree).
  const loadFirst = (...paths: string[]) => load(paths.find((p) => existsSync(resolve(job.root, p))) ?? paths[0]);
  const [{ acquireGpu }, { PipelineCache }, { Pretrainer }, { DEFAULT_PRETRAIN }, { builtinCorpus }] =
    await Promise.all([
      load('src/gpu/device.ts'),
      load('src/gpu/pipelines.ts'),
      load('src/model/trainer.ts'),
      load('src/model/trainer-api.ts'),
      load('src/tasks/facts.ts'),
    ]);
  const tGpu = performance.now();
  const { device } = await acquireGpu();
  const gpu = { device, pipelines: job.mode ? new PipelineCache(device, job.mode) : new PipelineCache(device) };
  const clock = new StartupClock(gpu.pipelines, tGpu); // the clock the page's worker uses too
  const out: Record<string, number | string> = { what: job.what };
  if (job.what === 'startup' || job.what === 'train') {
    const corpus = builtinCorpus();
    const t = await Pretrainer.create(
      gpu,
      { ...DEFAULT_PRETRAIN, model: job.config, batchSize: job.B, seqLength: job.T, steps: 1000 },
      corpus,
    );
    const first = await t.step();
    const startup = clock.stepDone();
    out.processToFirstStepMs = performance.now(); // what a user of the CLI waits for, node start-up included
    out.gpuToFirstStepMs = startup?.ms ?? NaN; // device, recording, pipelines and the first step
    out.firstLoss = first.loss;
    out.pipelines = gpu.pipelines.size;
    if (job.what === 'train') {
      await t.step();
      const ms: number[] = [];
      for (let i = 0; i < job.reps; i++) ms.push((await t.step()).ms);
      out.msPerStep = median(ms);
      out.tokensPerSec = (job.B * job.T * 1000) / median(ms);
    }
    t.destroy();
  } else {
    const [{ createRlLoop, startFresh }, { DEFAULT_RL }, { VERIFIABLE_TASKS, problemStream }] = await Promise.all([
      loadFirst('src/rl/start-weights.ts', 'src/rl/rl-session.ts'),
      load('src/rl/rl-config.ts'),
      load('src/tasks/verifiable.ts'),
    ]);
    const P = job.P ?? 4,
      G = job.G ?? 8;
    const cfg = {
      ...DEFAULT_RL,
      promptsPerStep: P,
      groupSize: G,
      maxNewTokens: job.newTokens ?? 32,
      truncationGuard: false,
    };
    const loop = createRlLoop(gpu, startFresh(job.config, 1), cfg);
    const next = problemStream(VERIFIABLE_TASKS.digits, 1);
    const sample: number[] = [],
      reward: number[] = [],
      update: number[] = [];
    for (let i = 0; i < job.reps + 1; i++) {
      const problems = Array.from({ length: P }, next) as { prompt: string; check: (r: string) => 0 | 1 }[];
      const r = await loop.step(
        problems.map((p) => p.prompt),
        async (item: number, response: string) => {
          const c = problems[item].check(response);
          return { score: { kind: 'outcome', reward: c }, correct: c };
        },
      );
      if (i === 0) continue; // warm-up: pipelines
      sample.push(r.metrics['rl/timing/sample_s']);
      reward.push(r.metrics['rl/timing/reward_s']);
      update.push(r.metrics['rl/timing/update_s']);
    }
    loop.destroy();
    Object.assign(out, { sampleS: median(sample), rewardS: median(reward), updateS: median(update) });
  }
  out.t0 = t0;
  console.log(`PROBE ${JSON.stringify(out)}`);
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
