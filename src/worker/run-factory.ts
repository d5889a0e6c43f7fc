// Builds the live runs of the worker: a pre-training run (its job with held-out primitive accuracy)
// or an RL run (the experiment's cell job, its judge, and the held-out evaluation when the training
// ends), fresh or from the run's own checkpoint. Records are created here; the session decides when.

import type { Store } from '../store/store';
import type { RunRecord } from '../store/records';
import { samplePrompts, sampleTokens, type CorpusChoice } from '../run/corpus';
import { PretrainJob } from '../run/pretrain-job';
import { PagePretrainJob, heldOutPrimitives } from '../run/pretrain-page-job';
import { autoName, type PretrainSetup } from '../run/pretrain-setup';
import type { Device } from './device-slot';
import type { EventBatcher } from './events';
import { judgeStats, type JudgeSlot } from './judge-slot';
import { LiveRun } from './live-run';
import { buildRlJob, startBytes } from './rl-builder';
import type { RlRunSetup } from './api';
import { autoRlName, rlSetupOf } from './rl-setup';
import { OPENING_FIX, checkedFirst } from './judge-gate';
import { ARMS } from '../experiment/arms';
import { openingCheck } from '../experiment/world-judge';

export interface FactoryDeps {
  store: Store;
  events: EventBatcher;
  judges: JudgeSlot;
  corpus: (choice: CorpusChoice) => string[];
  shipped: () => Promise<ArrayBuffer>;
}

/** A page pre-training job, fresh or from checkpoint bytes. */
export async function createPretrainJob(
  device: Device,
  setup: PretrainSetup,
  corpus: string[],
  checkpoint?: ArrayBuffer,
): Promise<PagePretrainJob> {
  const prompts = samplePrompts(corpus);
  const o = { opts: setup.pretrain, corpus, previewPrompts: prompts, previewTokens: sampleTokens(corpus) };
  const inner = checkpoint
    ? await PretrainJob.resume(device.gpu, checkpoint, o)
    : await PretrainJob.create(device.gpu, o);
  return new PagePretrainJob(inner, heldOutPrimitives(setup, corpus), setup.sampleEvery, corpus, prompts);
}

export function pretrainLive(
  d: FactoryDeps,
  run: RunRecord,
  setup: PretrainSetup,
  job: PagePretrainJob,
  device: Device,
  checkpointStep?: number,
): LiveRun {
  return new LiveRun(run, job, device, d.store, d.events, {
    checkpointEvery: setup.checkpointEvery,
    previewEvery: setup.sampleEvery,
    checkpointStep,
  });
}

/** A new pre-training run: the job first (a bad setup creates no record), then the record. */
export async function newPretrainRun(d: FactoryDeps, setup: PretrainSetup, device: Device): Promise<LiveRun> {
  const job = await createPretrainJob(device, setup, d.corpus(setup));
  const config = { ...setup, name: setup.name.trim() || autoName(setup) };
  const run = await d.store
    .createRun({
      name: config.name,
      kind: 'pretrain',
      status: 'running',
      config: config as unknown as Record<string, unknown>,
      step: 0,
      totalSteps: setup.pretrain.steps,
      adapter: device.handle.info.adapterName,
    })
    .catch((e) => {
      job.destroy();
      throw e;
    });
  return pretrainLive(d, run, config, job, device);
}

/** An RL run's live form: the judge's opening check, training, then (when asked) the held-out
 *  evaluation, stored in its record. */
async function rlLive(
  d: FactoryDeps,
  run: RunRecord | undefined,
  s: RlRunSetup,
  device: Device,
  resume?: { bytes: ArrayBuffer; step: number },
): Promise<LiveRun> {
  const start = await startBytes(s, d.store, d.shipped);
  const built = await buildRlJob(device.gpu, s, start, d.judges, resume?.bytes);
  const total = s.stage === 'stage2' ? s.options.stageII.steps : s.options.stageI.steps;
  if (!run) {
    const config = { ...s, name: s.name.trim() || autoRlName(s) };
    run = await d.store
      .createRun({
        name: config.name,
        kind: s.stage === 'stage1' ? 'midtrain' : 'posttrain',
        status: 'running',
        config: config as unknown as Record<string, unknown>,
        step: 0,
        totalSteps: total,
        adapter: device.handle.info.adapterName,
      })
      .catch((e) => {
        built.job.destroy();
        throw e;
      });
  }
  const job = checkedFirst(built.job, () => openingCheck(built.world, OPENING_FIX));
  return new LiveRun(run, job, device, d.store, d.events, {
    checkpointEvery: s.checkpointEvery,
    previewEvery: 0,
    checkpointStep: resume?.step,
    group: s.group,
    report: (runId) => d.events.emit({ type: 'judge', runId, stats: judgeStats(built.judge) }),
    evaluation: s.evaluate ? built.evaluation : undefined,
  });
}

export function newRlRun(d: FactoryDeps, s: RlRunSetup, device: Device): Promise<LiveRun> {
  if (!ARMS[s.arm]) throw new Error(`unknown arm "${s.arm}"`);
  return rlLive(d, undefined, s, device);
}

/** A stored run continued from its latest checkpoint (the steps after it are trained again). */
export async function resumeLive(
  d: FactoryDeps,
  run: RunRecord,
  setup: PretrainSetup | undefined,
  device: Device,
): Promise<LiveRun> {
  const ckpt = await d.store.getLatestCheckpoint(run.id);
  const rl = rlSetupOf(run);
  if (!ckpt && !(rl && run.step === 0))
    throw new Error('this run has no checkpoint yet, so there is nothing to resume from: start it again');
  if (rl) {
    const live = await rlLive(d, run, rl, device, ckpt && { bytes: ckpt.bytes, step: ckpt.step });
    return trimmed(d, live, ckpt?.step ?? 0);
  }
  if (!setup)
    throw new Error('this run has no configuration to resume (it was not made by this page): start a new run instead');
  const job = await createPretrainJob(device, setup, d.corpus(setup), ckpt!.bytes);
  return trimmed(d, pretrainLive(d, { ...run, step: job.stepCount }, setup, job, device, ckpt!.step), job.stepCount);
}

/** Steps after the checkpoint are trained again: their old metrics and previews would be duplicates. */
async function trimmed(d: FactoryDeps, live: LiveRun, step: number): Promise<LiveRun> {
  try {
    await d.store.truncateMetrics(live.run.id, step);
    await d.store.truncatePreviews(live.run.id, step);
  } catch (e) {
    live.dispose();
    throw e;
  }
  live.run = { ...live.run, step };
  return live;
}
