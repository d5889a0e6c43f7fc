// Per-step RL metrics under the names RL users know from TRL and verl: reward mean/std, the fraction
// of groups with zero reward variance, KL, entropy, clip fractions, grad norm, response lengths,
// truncation, throughput and the time split between sampling, scoring and the update.

import { meanStd, type TrajectoryScore } from './advantages';
import type { PgReport } from './policy';

export type StepMetrics = Record<string, number>;

interface TraceLike {
  tokens: ArrayLike<number>;
  score: TrajectoryScore;
  correct: number;
  truncated: boolean;
}

export interface MetricsInput {
  traces: TraceLike[];
  G: number;
  reports: { rep: PgReport; weight: Float32Array; mask: Float32Array }[];
  klMeasured: boolean; // false when no reference pass ran (beta = 0, OPSD): then there is no `kl` metric, as in TRL
  dropped: number;
  zeroStdGroups: number;
  groups: number;
  sampleMs: number;
  rewardMs: number;
  updateMs: number;
  sampledTokens: number;
}

/** The scalar reward of a trajectory: its outcome reward, or the mean of its segment scores; null if not scored. */
export function trajectoryReward(s: TrajectoryScore): number | null {
  if (s.kind === 'outcome') return s.reward;
  if (s.scores.length === 0 || s.scores.some((x) => x === null)) return null;
  return (s.scores as number[]).reduce((a, b) => a + b, 0) / s.scores.length;
}

export function stepMetrics(i: MetricsInput): StepMetrics {
  const rewards = i.traces.map((t) => trajectoryReward(t.score)).filter((r): r is number => r !== null);
  // No scored trajectory (all dropped) has no mean: NaN, not a made-up 0.
  const { mean: reward, std: rewardStd } = rewards.length > 0 ? meanStd(rewards) : { mean: NaN, std: NaN };
  const lengths = i.traces.map((t) => t.tokens.length);
  let tok = 0, kl = 0, ent = 0, low = 0, high = 0, loss = 0, grad = 0;
  for (const { rep, mask } of i.reports) {
    for (let n = 0; n < mask.length; n++) {
      if (mask[n] <= 0) continue;
      tok++;
      kl += rep.terms[4 * n + 1];
      low += rep.terms[4 * n + 2];
      high += rep.terms[4 * n + 3];
      ent += rep.entropy[n];
    }
    for (let n = 0; n < mask.length; n++) loss += rep.terms[4 * n];
    grad += rep.gradNorm;
  }
  const nr = Math.max(1, i.reports.length);
  return {
    reward,
    reward_std: rewardStd,
    correct: i.traces.reduce((a, t) => a + t.correct, 0) / Math.max(1, i.traces.length),
    frac_reward_zero_std: i.zeroStdGroups / Math.max(1, i.groups),
    dropped: i.dropped,
    loss: loss / nr,
    ...(i.klMeasured ? { kl: tok ? kl / tok : 0 } : {}),
    entropy: tok ? ent / tok : 0,
    'clip_ratio/low_mean': tok ? low / tok : 0,
    'clip_ratio/high_mean': tok ? high / tok : 0,
    grad_norm: grad / nr,
    'completions/mean_length': lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length),
    'completions/max_length': Math.max(0, ...lengths),
    'completions/clipped_ratio': i.traces.filter((t) => t.truncated).length / Math.max(1, i.traces.length),
    tokens_per_s: i.sampleMs > 0 ? (i.sampledTokens * 1000) / i.sampleMs : 0,
    'timing/sample_s': i.sampleMs / 1000,
    'timing/reward_s': i.rewardMs / 1000,
    'timing/update_s': i.updateMs / 1000,
  };
}
