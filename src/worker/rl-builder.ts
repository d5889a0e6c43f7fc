// Builds a page RL run the way the experiment CLI builds a cell: the world of the preset's options on
// the start model's context (src/experiment/world.ts), with the setup's judge and the CLI's default
// grade policy joined to it (world-judge.ts), the training job of the arm at its stage and the held-out
// evaluation of the weights it ends with (cell-jobs.ts). What is the page's own: where the start
// weights come from (the shipped checkpoint, fetched from the page's own server, or a library run),
// the judge of the setup (judge-slot.ts) and the rubric mode its settings choose.

import type { Gpu } from '../gpu/dispatch';
import { ARMS } from '../experiment/arms';
import { evaluationJob, trainingJob, type CellWorld } from '../experiment/cell-jobs';
import { buildWorld } from '../experiment/world';
import { withJudge } from '../experiment/world-judge';
import type { Judge } from '../judge/types';
import { startFromCheckpoint } from '../rl/start-weights';
import type { EvalJob } from '../run/eval-job';
import { DEFAULT_MAX_FAILURE_SHARE } from '../run/grade-failures';
import type { RunJob } from '../run/job';
import { judgeProblem } from '../run/scorers';
import type { Store } from '../store/store';
import type { JudgeSlot } from './judge-slot';
import type { RlRunSetup } from './api';
import { SHIPPED_URL, rubricOf } from './rl-setup';

export interface RlBuilt {
  job: RunJob;
  world: CellWorld;
  judge: Judge;
  /** The held-out evaluation of weights (checkpoint bytes): the problems and draws of the experiment's. */
  evaluation: (weights: ArrayBuffer) => EvalJob;
}

/** The shipped pre-trained checkpoint, fetched next to the page. */
export async function fetchShipped(): Promise<ArrayBuffer> {
  const url = new URL(import.meta.env.BASE_URL + SHIPPED_URL, self.location.origin);
  let r: Response;
  try {
    r = await fetch(url);
  } catch (e) {
    throw new Error(`cannot fetch the shipped checkpoint ${url.pathname}: ${(e as Error).message}`);
  }
  if (!r.ok)
    throw new Error(
      `the shipped checkpoint ${url.pathname} is not on this server (HTTP ${r.status}): start from a run of the library instead`,
    );
  return r.arrayBuffer();
}

/** The start weights of a setup: the shipped checkpoint, or the latest checkpoint of a library run. */
export async function startBytes(
  s: RlRunSetup,
  store: Store,
  shipped: () => Promise<ArrayBuffer>,
): Promise<ArrayBuffer> {
  if (s.start.kind === 'shipped') return shipped();
  const c = await store.getLatestCheckpoint(s.start.runId);
  if (!c) throw new Error(`"${s.start.runName}" has no checkpoint to start from (deleted, or it never saved one)`);
  return c.bytes;
}

/** The training job of a setup, fresh from the start weights or resumed from its own checkpoint, and the
 *  evaluation of the weights it ends with. Every grade (training, dense curve, evaluation) uses the
 *  judge's rubric mode. */
export async function buildRlJob(
  gpu: Gpu,
  s: RlRunSetup,
  start: ArrayBuffer,
  judges: JudgeSlot,
  resume?: ArrayBuffer,
): Promise<RlBuilt> {
  const from = startFromCheckpoint(start);
  const { world: bare } = buildWorld({ ...s.options, rubric: rubricOf(s.judge) }, from.config.contextLength);
  const judge = await judges.create(s.judge, s.seed, bare.train.map(judgeProblem));
  const world = withJudge(bare, judge, DEFAULT_MAX_FAILURE_SHARE);
  const job = trainingJob(gpu, world, ARMS[s.arm], s.stage, s.seed, resume ? { resume } : { start: from });
  const evaluation = (weights: ArrayBuffer) => evaluationJob(gpu, world, s.seed, startFromCheckpoint(weights));
  return { job, world, judge, evaluation };
}
