// Advantages the same samples would get under another advantage mode or another judge's scores, with
// no training: each response's every score (0/1 correctness, the judge's whole-response reward, its
// per-segment scores) turned into the trajectory score a mode trains on, then the group advantages of
// advantages.ts; and how two sets of advantages differ. Pure functions, no GPU.

import {
  groupAdvantages,
  type AdvantageMode,
  type ScoredTrajectory,
  type TrajectoryScore,
  type ProcessTruncationRule,
  type TruncationRule,
} from './advantages';

/** Every score one response has, whatever its arm trained on. */
export interface AllScores {
  length: number; // response tokens
  truncated: boolean; // hit the length limit
  correct: 0 | 1; // the answer checker
  outcome: number | null; // the judge's whole-response reward (null: the grade failed)
  segments: { start: number; score: number | null }[]; // per ### segment: its first token and score (null: failed)
}

/** The run's settings the group advantages depend on (rl-config.ts). */
export interface AdvantageSettings {
  stdNormalize: boolean;
  truncationGuard: boolean;
  truncationRule: TruncationRule;
  processTruncation: ProcessTruncationRule;
}

/** The modes a what-if can recompute from scores (self-distillation needs the GPU's log-probs). */
export const WHAT_IF_MODES: readonly AdvantageMode[] = [
  'sparse-grpo',
  'outcome',
  'delta-norm',
  'end-norm',
  'group-norm',
];

/** The trajectory score `mode` trains on (as scorers.ts builds it: a cut response's 0/1 reward is 0). */
export function scoreFor(mode: AdvantageMode, x: AllScores): TrajectoryScore {
  if (mode === 'sparse-grpo') return { kind: 'outcome', reward: x.truncated ? 0 : x.correct };
  if (mode === 'outcome') return { kind: 'outcome', reward: x.outcome };
  return { kind: 'process', segmentStarts: x.segments.map((s) => s.start), scores: x.segments.map((s) => s.score) };
}

/** Group g (responses g*G .. g*G+G-1) as groupAdvantages reads it under `mode`. */
export function groupFor(
  mode: AdvantageMode,
  all: AllScores[],
  G: number,
  g: number,
  s: AdvantageSettings,
): ScoredTrajectory[] {
  return all.slice(g * G, g * G + G).map((x) => ({
    score: scoreFor(mode, x),
    length: x.length,
    truncated: s.truncationGuard && x.truncated,
  }));
}

/** Per-token advantages and masks of every response under `mode`, group by group. */
export function advantagesFor(
  mode: AdvantageMode,
  all: AllScores[],
  G: number,
  s: AdvantageSettings,
): { advantages: Float32Array[]; masks: Float32Array[] } {
  if (all.length % G !== 0) throw new Error(`${all.length} responses do not make groups of ${G}`);
  const advantages: Float32Array[] = [],
    masks: Float32Array[] = [];
  for (let g = 0; g < all.length / G; g++) {
    const r = groupAdvantages(groupFor(mode, all, G, g, s), {
      mode,
      stdNormalize: s.stdNormalize,
      truncation: s.truncationRule,
      processTruncation: s.processTruncation,
    });
    advantages.push(...r.advantages);
    masks.push(...r.masks);
  }
  return { advantages, masks };
}

/** How advantages `b` differ from `a` over the tokens in both losses. */
export interface AdvantageDiff {
  tokens: number; // compared (in both losses)
  meanAbs: number; // mean |b - a|
  signFlips: number; // tokens pushed the other way (a and b of opposite signs)
  silenced: number; // tokens with a push under a and none under b
  awakened: number; // tokens with no push under a and one under b (out of a dead zone)
  responsesReversed: number; // responses whose summed advantage changes sign
}

export function compareAdvantages(
  a: ArrayLike<number>[],
  b: ArrayLike<number>[],
  maskA: ArrayLike<number>[],
  maskB: ArrayLike<number>[],
): AdvantageDiff {
  let tokens = 0,
    abs = 0,
    signFlips = 0,
    silenced = 0,
    awakened = 0,
    responsesReversed = 0;
  a.forEach((row, s) => {
    let sumA = 0,
      sumB = 0;
    for (let j = 0; j < row.length; j++) {
      if (!(maskA[s][j] > 0 && maskB[s][j] > 0)) continue;
      const x = row[j],
        y = b[s][j];
      tokens++;
      abs += Math.abs(y - x);
      if (x * y < 0) signFlips++;
      if (x !== 0 && y === 0) silenced++;
      if (x === 0 && y !== 0) awakened++;
      sumA += x;
      sumB += y;
    }
    if (sumA * sumB < 0) responsesReversed++;
  });
  return { tokens, meanAbs: tokens > 0 ? abs / tokens : 0, signFlips, silenced, awakened, responsesReversed };
}
