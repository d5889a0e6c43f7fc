// One RL step as the step-through shows it, stage by stage, in plain data (it crosses the worker
// contract): the group's samples, the judge's verdicts, the advantages with the log-probs before the
// update, every update's per-token loss inputs and terms, and the log-probs after the update. Also the
// arm's settings the explanations need. Built here from the loop's stages (rl-loop.ts LoopStage);
// arrays are per response token, in response order (group by group). GPU-free.

import type { AdvantageMode, ScoredTrajectory, TrajectoryScore } from '../rl/advantages';
import type { AggregationMode } from '../rl/aggregation';
import type { RlConfig } from '../rl/rl-config';
import type { UpdateReport, Scored } from '../rl/rl-loop';
import type { SequenceBatch } from '../rl/rl-batch';
import type { AdvantageSettings } from '../rl/what-if-advantages';
import type { LossHyper } from '../rl/loss-explain';
import type { ScoreDetail, ScorerKind } from './scorers';
import type { TraceProblem } from './previews';

/** The stages a step pauses at, in order. */
export const STEP_STAGES = ['samples', 'judge', 'advantages', 'loss', 'changed'] as const;
export type StepStage = (typeof STEP_STAGES)[number];

/** The arm's settings the explanations read. */
export interface StepSettings extends AdvantageSettings, LossHyper {
  arm: string;
  armLabel: string;
  mode: AdvantageMode | 'opsd';
  scorer: ScorerKind; // what the arm trains on
  judge: string; // the judge's name ('' for the sparse checker and self-distillation)
  aggregation: AggregationMode;
  epochs: number;
  miniBatches: number;
  lr: number;
}

/** What the judge compares a problem's responses against (its reference may be another problem's, or none). */
export interface JudgeSight {
  reference: string | null;
  checkpoints: string[] | null; // the rubric's (built-in judge), null when the judge writes its own
}

/** One update's view of one response: what the loss read and what it gave, per response token. */
export interface TokenUpdates {
  epoch: number; // 1-based
  logp: number[]; // under the policy at the update, before its optimiser step
  logpOld: number[];
  logpRef: number[];
  weight: number[];
  entropy: number[];
  loss: number[]; // weighted loss term
  kl: number[]; // k3
  clipLow: number[]; // 1 where the lower clip zeroed the gradient
  clipHigh: number[];
}

export interface StepView {
  step: number; // the policy's step this is (1: its first update)
  stage: StepStage;
  settings: StepSettings;
  G: number;
  problems: TraceProblem[];
  sights: JudgeSight[]; // per problem
  samples: { response: string; tokens: number[]; truncated: boolean }[];
  judged?: { score: TrajectoryScore; correct: 0 | 1; dense: number | null; detail?: ScoreDetail }[];
  advantages?: { advantages: number[]; mask: number[] }[];
  before?: number[][]; // log-prob of each response token before the update (the old log-probs)
  updates?: TokenUpdates[][]; // per response, one per epoch
  after?: number[][]; // after the update, from a forward pass with the new weights
  metrics?: Record<string, number>;
}

/** The settings of an RL config for an arm. */
export function stepSettings(
  cfg: RlConfig,
  arm: { id: string; label: string; scorer?: ScorerKind },
  judge: string,
): StepSettings {
  return {
    arm: arm.id,
    armLabel: arm.label,
    mode: cfg.advantage,
    scorer: arm.scorer ?? 'sparse',
    judge,
    stdNormalize: cfg.stdNormalize,
    truncationGuard: cfg.truncationGuard,
    truncationRule: cfg.truncationRule,
    processTruncation: cfg.processTruncation,
    epsLow: cfg.epsLow,
    epsHigh: cfg.epsHigh,
    beta: cfg.advantage === 'opsd' ? 0 : cfg.beta,
    entCoef: cfg.entCoef,
    aggregation: cfg.aggregation,
    epochs: cfg.epochs,
    miniBatches: cfg.miniBatches,
    lr: cfg.lr,
  };
}

/** The samples of a step, from the loop's 'sampled' stage. */
export function samplesOf(batch: SequenceBatch, texts: string[], truncated: boolean[]): StepView['samples'] {
  return texts.map((response, s) => ({
    response,
    tokens: Array.from(batch.seqs.subarray(s * batch.Tmax + batch.promptLens[s], s * batch.Tmax + batch.lengths[s])),
    truncated: truncated[s],
  }));
}

/** The verdicts of a step, from the loop's 'scored' stage. */
export function judgedOf(scored: Scored[]): NonNullable<StepView['judged']> {
  return scored.map((x) => ({
    score: x.score,
    correct: x.correct,
    dense: x.dense ?? null,
    detail: x.detail as ScoreDetail | undefined,
  }));
}

/** Group g of a judged step as its advantages read it (the length guard as the arm's settings say). */
export function trainedGroup(v: StepView, g: number): ScoredTrajectory[] {
  if (!v.judged) throw new Error('the step has not been scored yet');
  return v.judged.slice(g * v.G, g * v.G + v.G).map((x, i) => ({
    score: x.score,
    length: v.samples[g * v.G + i].tokens.length,
    truncated: v.settings.truncationGuard && v.samples[g * v.G + i].truncated,
  }));
}

/** Values of a (rows, T) block that starts at row `row0`, gathered per response token of each of its rows. */
function rowsOf(
  b: SequenceBatch,
  T: number,
  row0: number,
  rows: number,
  values: ArrayLike<number>,
  stride = 1,
  at = 0,
): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let r = 0; r < rows; r++) {
    const s = row0 + r;
    const n = Math.max(0, b.lengths[s] - b.promptLens[s]);
    out.set(
      s,
      Array.from({ length: n }, (_, j) => {
        const t = b.promptLens[s] + j - 1;
        return t < T ? values[(r * T + t) * stride + at] : 0;
      }),
    );
  }
  return out;
}

/** Every update's per-token inputs and terms, per response (from the loop's 'updated' stage, read with detail). */
export function updatesOf(b: SequenceBatch, T: number, reports: UpdateReport[], epochs: number): TokenUpdates[][] {
  const out: TokenUpdates[][] = Array.from({ length: b.S }, () => []);
  const perEpoch = reports.length / epochs;
  reports.forEach((u, i) => {
    const rows = u.mask.length / T;
    const l = u.rep.logps;
    if (!l) throw new Error('the update was not read back in detail (StageOptions.detail)');
    const g = (v: ArrayLike<number>, stride = 1, at = 0) => rowsOf(b, T, u.row0, rows, v, stride, at);
    const [logp, logpOld, logpRef, weight, entropy] = [l.logp, l.logpOld, l.logpRef, u.weight, u.rep.entropy].map((v) =>
      g(v),
    );
    const [loss, kl, lo, hi] = [0, 1, 2, 3].map((k) => g(u.rep.terms, 4, k));
    for (let r = 0; r < rows; r++) {
      const s = u.row0 + r;
      out[s].push({
        epoch: Math.floor(i / perEpoch) + 1,
        logp: logp.get(s)!,
        logpOld: logpOld.get(s)!,
        logpRef: logpRef.get(s)!,
        weight: weight.get(s)!,
        entropy: entropy.get(s)!,
        loss: loss.get(s)!,
        kl: kl.get(s)!,
        clipLow: lo.get(s)!,
        clipHigh: hi.get(s)!,
      });
    }
  });
  return out;
}
