// Per-step RL metrics under the names of src/run/metric-names.ts (rl/ + the names RL users know from
// TRL and verl): reward mean/std, dense (judge) and sparse (0/1) rewards, the verifier's check of the
// responses' steps (the truth the judge's reward can be set against), the fraction of groups with
// zero variance of the trained and of the sparse reward, KL, entropy, clip fractions, grad norm,
// response lengths, truncation, throughput and the time split between sampling, scoring and update.

import { meanStd, type TrajectoryScore } from './advantages';
import type { PgReport } from './policy';

export type StepMetrics = Record<string, number>;

/** The verifier's check of one response (src/tasks/verifier.ts): its leading steps right in order, of the problem's. */
export interface StepCheck {
  inOrder: number;
  total: number; // the problem's steps (> 0)
}

interface TraceLike {
  tokens: ArrayLike<number>;
  score: TrajectoryScore;
  correct: number;
  dense?: number | null; // the judge's reward for the whole response, when a judge graded it
  verified?: StepCheck; // when the problem's steps are known
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
  let tok = 0,
    kl = 0,
    ent = 0,
    low = 0,
    high = 0,
    loss = 0,
    grad = 0;
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
  const dense = i.traces.map((t) => t.dense).filter((d): d is number => typeof d === 'number');
  const checked = i.traces.map((t) => t.verified).filter((v): v is StepCheck => v !== undefined && v.total > 0);
  return {
    'rl/reward': reward,
    'rl/reward_std': rewardStd,
    'rl/correct': i.traces.reduce((a, t) => a + t.correct, 0) / Math.max(1, i.traces.length),
    ...(dense.length > 0 ? { 'rl/dense_reward': dense.reduce((a, b) => a + b, 0) / dense.length } : {}),
    ...verifierMetrics(checked),
    'rl/frac_reward_zero_std': i.zeroStdGroups / Math.max(1, i.groups),
    'rl/frac_sparse_zero_std': sparseZeroStd(i.traces, i.G),
    'rl/dropped': i.dropped,
    'rl/loss': loss / nr,
    ...(i.klMeasured ? { 'rl/kl': tok ? kl / tok : 0 } : {}),
    'rl/entropy': tok ? ent / tok : 0,
    'rl/clip_ratio/low_mean': tok ? low / tok : 0,
    'rl/clip_ratio/high_mean': tok ? high / tok : 0,
    'rl/grad_norm': grad / nr,
    'rl/completions/mean_length': lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length),
    'rl/completions/max_length': Math.max(0, ...lengths),
    'rl/completions/clipped_ratio': i.traces.filter((t) => t.truncated).length / Math.max(1, i.traces.length),
    'rl/tokens_per_s': i.sampleMs > 0 ? (i.sampledTokens * 1000) / i.sampleMs : 0,
    'rl/timing/sample_s': i.sampleMs / 1000,
    'rl/timing/reward_s': i.rewardMs / 1000,
    'rl/timing/update_s': i.updateMs / 1000,
  };
}

/** Share of groups (G consecutive traces) whose 0/1 correctness is the same for every member: the dead zone. */
export function sparseZeroStd(traces: { correct: number }[], G: number): number {
  const groups = Math.floor(traces.length / G);
  let zero = 0;
  for (let p = 0; p < groups; p++) {
    const first = traces[p * G].correct;
    if (traces.slice(p * G, (p + 1) * G).every((t) => t.correct === first)) zero++;
  }
  return groups > 0 ? zero / groups : 0;
}

/** The verifier's figures of a step's checked responses (none when no problem's steps are known). */
export function verifierMetrics(checked: readonly StepCheck[]): StepMetrics {
  if (checked.length === 0) return {};
  return {
    'rl/steps_in_order': checked.reduce((a, v) => a + v.inOrder / v.total, 0) / checked.length,
    'rl/all_steps': checked.filter((v) => v.inOrder === v.total).length / checked.length,
  };
}
