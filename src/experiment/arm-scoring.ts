// What re-scoring an arm's samples (grading them again) needs, rebuilt from a run's options: the
// training problems of its world (by id: the stored traces name them) and the arm's RL settings at its
// stage, exactly as the run's cell built them (world.ts, cell-jobs.ts). The model's context does not
// enter: the problems and settings do not depend on it.

import type { RlConfig } from '../rl/rl-config';
import type { TaskProblem } from '../run/scorers';
import { ARMS, type ArmId } from './arms';
import { cellRlConfig } from './cell-jobs';
import type { ExperimentOptions } from './options';
import type { Stage } from './results';
import { buildWorld } from './world';

export interface ArmScoring {
  problems: Map<string, TaskProblem>; // the training problems by id
  pool: TaskProblem[]; // the same, in order (a wrong-reference judge borrows from them)
  cfg: RlConfig;
}

export function armScoring(options: ExperimentOptions, arm: ArmId, stage: Stage, seed: number): ArmScoring {
  const spec = ARMS[arm];
  if (!spec) throw new Error(`unknown arm "${arm}"`);
  const { world } = buildWorld(options, Number.MAX_SAFE_INTEGER);
  return {
    problems: new Map(world.train.map((p) => [p.id, p])),
    pool: world.train,
    cfg: cellRlConfig(world, spec, stage, seed),
  };
}
