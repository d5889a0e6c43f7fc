// The jobs of one experiment cell, built from the options, an arm's row and a seed: the Stage I job
// (SFT or an RL arm with its scorer), the Stage II job (sparse GRPO), and the evaluation. Every arm of a
// seed draws the same prompts in the same order (one seeded stream over the training split), so arms
// differ only by their row in arms.ts. Shared by the CLI runner and the page's worker.

import type { Gpu } from '../gpu/dispatch';
import type { Judge } from '../judge/types';
import { BuiltinJudge } from '../judge/builtin';
import { DEFAULT_RL, type RlConfig } from '../rl/rl-config';
import { maxPaddedLength } from '../rl/rl-batch';
import { encode } from '../model/tokenizer';
import type { RlStart } from '../rl/start-weights';
import { judgeProblem, makeScorer, type TaskProblem } from '../run/scorers';
import { RlJob } from '../run/rl-job';
import { SftJob } from '../run/sft-job';
import { EvalJob } from '../run/eval-job';
import type { RunJob } from '../run/job';
import type { GradePolicy } from '../run/grade-failures';
import { mulberry32 } from '../util/rng';
import { STAGE2_RL, type ArmSpec } from './arms';
import type { ExperimentOptions } from './options';
import type { Stage } from './results';

/** The problem sets and judges an experiment's cells share. */
export interface CellWorld {
  options: ExperimentOptions;
  train: TaskProblem[]; // hard training problems (Stage I and II)
  eval: TaskProblem[]; // held-out hard problems
  maxNewTokens: number; // the response limit of every arm
  judge?: Judge; // the configured judge (LLM) or undefined for the built-in one
  grades?: GradePolicy; // when judge failures stop a cell (none: failed grades are only dropped)
}

/** The judge of every arm's dense-reward curve when the built-in judge is used: the true reference, no noise. */
const measuringJudge = new BuiltinJudge();

/** A stream over the training problems in a seeded random order (the same for every arm of a seed). */
export function problemStream(problems: TaskProblem[], seed: number): () => TaskProblem {
  const rng = mulberry32((seed * 2654435761) >>> 0);
  return () => problems[Math.floor(rng() * problems.length)];
}

/** The judge an arm grades with: the configured one, or the built-in one with the arm's variant. */
export function armJudge(w: CellWorld, arm: ArmSpec, seed: number): Judge {
  if (w.judge && (!arm.judge || (arm.judge.referenceMode === 'given' && arm.judge.errorRate === 0))) return w.judge;
  const variant = arm.judge ?? { referenceMode: 'given' as const, errorRate: 0 };
  return new BuiltinJudge({
    ...variant,
    seed,
    pool: variant.referenceMode === 'wrong' ? w.train.map(judgeProblem) : [],
  });
}

/** The RL settings of a cell: defaults, the experiment's shared ones, the arm's row (or Stage II's). */
export function cellRlConfig(w: CellWorld, arm: ArmSpec, stage: Stage, seed: number): RlConfig {
  const o = w.options,
    b = stage === 'stage1' ? o.stageI : o.stageII;
  const own = stage === 'stage1' ? { ...arm.rl, advantage: arm.advantage ?? 'sparse-grpo' } : STAGE2_RL;
  return {
    ...DEFAULT_RL,
    ...o.rl,
    ...own,
    promptsPerStep: b.promptsPerStep,
    groupSize: b.groupSize,
    lr: b.lr * (stage === 'stage1' ? (arm.lrScale ?? 1) : 1),
    maxNewTokens: w.maxNewTokens,
    seed: seed + (stage === 'stage2' ? 1000 : 0),
  };
}

/** The training job of a cell (Stage I of an SFT or RL arm, or Stage II), fresh or resumed from its own checkpoint. */
export function trainingJob(
  gpu: Gpu,
  w: CellWorld,
  arm: ArmSpec,
  stage: Stage,
  seed: number,
  from: { start: RlStart } | { resume: ArrayBuffer },
): RunJob {
  const o = w.options;
  const draw = problemStream(w.train, seed + (stage === 'stage2' ? 1000 : 0));
  const meta = { arm: arm.id, stage, seed };
  if (stage === 'stage1' && arm.stageI === 'sft') {
    const spec = {
      steps: o.stageI.steps,
      promptsPerStep: o.stageI.promptsPerStep,
      draw,
      hp: { lr: o.sftLr, weightDecay: 0, maxGradNorm: 1 },
      meta,
    };
    return 'start' in from ? SftJob.create(gpu, from.start, spec) : SftJob.resume(gpu, from.resume, spec);
  }
  if (stage === 'stage1' && arm.stageI !== 'rl') throw new Error(`arm ${arm.id} has no Stage I training`);
  const cfg = cellRlConfig(w, arm, stage, seed);
  const scorerKind = stage === 'stage1' ? (arm.scorer ?? 'sparse') : 'sparse';
  const judge = armJudge(w, stage === 'stage1' ? arm : { ...arm, judge: undefined }, seed);
  const measure = o.logDense || scorerKind === 'outcome' ? (w.judge ?? measuringJudge) : undefined;
  const score = makeScorer({
    kind: scorerKind,
    judge: scorerKind === 'sparse' ? undefined : judge,
    measure,
    rubricMode: o.rubric ?? 'explicit',
  });
  // The policy's buffers hold the longest padded batch of these prompts and responses (OPSD's teacher reads
  // longer inputs: it keeps the whole context).
  const maxT =
    cfg.advantage === 'opsd'
      ? undefined
      : maxPaddedLength(
          w.train.reduce((m, p) => Math.max(m, encode(p.prompt).length + 1), 0),
          cfg.maxNewTokens,
        );
  const spec = {
    cfg,
    steps: stage === 'stage1' ? o.stageI.steps : o.stageII.steps,
    draw,
    score,
    meta,
    maxT,
    grades: w.grades,
  };
  return 'start' in from ? RlJob.create(gpu, from.start, spec) : RlJob.resume(gpu, from.resume, spec);
}

/** The evaluation of a model on the held-out split (same problems and draws for every arm of a seed). */
export function evaluationJob(gpu: Gpu, w: CellWorld, seed: number, model: RlStart | { resume: ArrayBuffer }): EvalJob {
  const e = w.options.eval;
  const spec = {
    problems: w.eval.slice(0, e.problems),
    n: e.n,
    k: e.k,
    temperature: e.temperature,
    maxNewTokens: w.maxNewTokens,
    problemsPerStep: e.problemsPerStep,
    seed,
    judge: e.judgeScore ? (w.judge ?? new BuiltinJudge()) : undefined,
    rubricMode: w.options.rubric ?? 'explicit',
    keepExamples: 8,
    grades: w.grades,
  };
  return 'resume' in model
    ? EvalJob.resume(gpu, model.resume, spec)
    : new EvalJob(gpu, model.config, model.params, spec);
}
