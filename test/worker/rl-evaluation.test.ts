// The held-out evaluation of a page RL run, on a real WebGPU device (SwiftShader without a GPU) and an
// IndexedDB store (fake-indexeddb): the run's trained weights give the figures the experiment CLI gets
// from the same weights (its evaluation job driven to a file), the page sees the evaluation's progress
// batch by batch and then its result, the run's metric series holds the training steps only, and a
// run paused during its evaluation goes on from the batch it had reached to the same figures.

import 'fake-indexeddb/auto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireGpu } from '../../src/gpu/device';
import { PipelineCache } from '../../src/gpu/pipelines';
import type { Store } from '../../src/store/store';
import type { RunRecord } from '../../src/store/records';
import { startFromCheckpoint } from '../../src/rl/start-weights';
import type { EvalResult } from '../../src/run/eval-job';
import { buildWorld } from '../../src/experiment/world';
import { evaluationJob } from '../../src/experiment/cell-jobs';
import { driveToFiles } from '../../src/cli/drive';
import { rlSetupFor } from '../../src/worker/rl-setup';
import type { RlRunSetup, WorkerEvent } from '../../src/worker/api';
import { shippedSession, until } from '../helpers/worker-session';

const opened: Store[] = [];
let dir = '';
beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), 'exprl-page-eval-'))));
afterAll(async () => {
  opened.forEach((s) => s.close());
  await rm(dir, { recursive: true, force: true });
});

// A training step, a page evaluation and the CLI's evaluation on SwiftShader: minutes when other work
// shares the cores. The tests wait for events; `until` names a hang.
const SLOW = 900_000;
const session = () => shippedSession('rl-evaluation', opened);

/** One training step of ExpRL-Process, then 6 held-out problems in 3 batches of 2, 2 samples each. */
function setup(): RlRunSetup {
  const x = rlSetupFor('demo', 'process', 'stage1', { name: 'evaluation test' });
  x.options.stageI = { ...x.options.stageI, steps: 1, promptsPerStep: 1, groupSize: 2 };
  x.options.eval = { ...x.options.eval, problems: 6, n: 2, k: 2, problemsPerStep: 2 };
  return x;
}

const lastRun = (events: WorkerEvent[], id: string): RunRecord | undefined =>
  events.flatMap((e) => (e.type === 'run' && e.run.id === id ? [e.run] : [])).at(-1);
const evalEvents = (events: WorkerEvent[], id: string) =>
  events.flatMap((e) => (e.type === 'eval' && e.runId === id ? [e] : []));

/** What `npm run experiment` reports for the same weights: its evaluation job, driven to a file. */
async function cliEvaluation(s: RlRunSetup, weights: ArrayBuffer): Promise<EvalResult> {
  const { device } = await acquireGpu();
  const gpu = { device, pipelines: new PipelineCache(device) };
  const start = startFromCheckpoint(weights);
  const { world } = buildWorld({ ...s.options, rubric: 'explicit' }, start.config.contextLength);
  const job = evaluationJob(gpu, world, s.seed, start);
  try {
    const out = await driveToFiles(job, { checkpointPath: join(dir, 'eval.ckpt'), checkpointEvery: 1 });
    expect(out.status).toBe('done');
    return job.result();
  } finally {
    job.destroy();
    device.destroy();
  }
}

describe("a page RL run's held-out evaluation", () => {
  let straight: EvalResult | undefined;

  it(
    'gives the figures the experiment CLI gets from the same weights; the page sees its progress, then its result',
    async () => {
      const { s, events } = await session();
      const x = setup();
      const [run] = await s.startRl([x]);
      const end = await until('the run to end', () => {
        const r = lastRun(events, run.id);
        return r && r.status !== 'running' && r;
      });
      expect(end.status, end.error).toBe('done');
      const result = end.evaluation as EvalResult;
      expect(result.perProblem.map((p) => p.id)).toHaveLength(6);
      expect(evalEvents(events, run.id)).toEqual([
        { type: 'eval', runId: run.id, done: 0, total: 3 },
        { type: 'eval', runId: run.id, done: 1, total: 3 },
        { type: 'eval', runId: run.id, done: 2, total: 3 },
        { type: 'eval', runId: run.id, done: 3, total: 3 },
        { type: 'eval', runId: run.id, done: 6, total: 6, result },
      ]);
      const afterResult = events.slice(events.findIndex((e) => e.type === 'eval' && e.result !== undefined));
      expect(afterResult.some((e) => e.type === 'judge' && e.runId === run.id)).toBe(true);
      expect((await s.getMetrics(run.id)).map((p) => p.step)).toEqual([1]); // the training's; the evaluation is the record's
      expect((await s.listRuns()).find((r) => r.id === run.id)?.evaluation).toEqual(result);
      const weights = await s.latestCheckpoint(run.id);
      expect(weights?.step).toBe(1);
      expect(result).toEqual(await cliEvaluation(x, weights!.bytes));
      straight = result;
    },
    SLOW,
  );

  it(
    'paused during the evaluation, it goes on from where it was to the same figures',
    async () => {
      const { s, events } = await session();
      const [run] = await s.startRl([setup()]);
      await until('the first evaluation batch', () => evalEvents(events, run.id).some((e) => e.done === 1));
      await s.pause();
      expect(lastRun(events, run.id)?.status).toBe('paused');
      expect(lastRun(events, run.id)?.evaluation).toBeUndefined();
      const reached = Math.max(...evalEvents(events, run.id).map((e) => e.done));
      const before = evalEvents(events, run.id).length;
      await s.resume(run.id);
      const end = await until('the run to end', () => {
        const r = lastRun(events, run.id);
        return r && r.status !== 'running' && r;
      });
      expect(end.status, end.error).toBe('done');
      expect(end.evaluation).toEqual(straight);
      const resumed = evalEvents(events, run.id).slice(before);
      expect(resumed[0].done).toBeGreaterThanOrEqual(reached); // it goes on from the batch it had reached
      expect((await s.getMetrics(run.id)).map((p) => p.step)).toEqual([1]);
    },
    SLOW,
  );
});
