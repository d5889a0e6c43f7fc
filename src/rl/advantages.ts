// Rewards to per-token advantages for one group of rollouts of the same prompt (method.md,
// "Rewards"): sparse GRPO and ExpRL-Outcome (one group-normalised value on every token) and
// ExpRL-Process DeltaNorm, EndNorm and GroupNorm (one value per segment, spread over its tokens).
// Pure functions on plain arrays; the loss masks come out here too (dropped trajectories get 0).

/** What the reward side knows about one rollout. Rewards and scores are in [0, 1] (s = (k-1)/4);
 *  null means the judge failed for it (or for any of its segments): the trajectory is dropped. */
export type TrajectoryScore =
  { kind: 'outcome'; reward: number | null } | { kind: 'process'; segmentStarts: number[]; scores: (number | null)[] };

export interface ScoredTrajectory {
  score: TrajectoryScore;
  length: number; // response tokens (EOS, if any, last); process segmentStarts are token indices into them
  truncated: boolean; // hit the length limit: reward 0, all-zero advantages
}

export type AdvantageMode =
  | 'sparse-grpo' // 0/1 correctness reward, group-normalised
  | 'outcome' // ExpRL-Outcome: the judge's whole-response reward, group-normalised the same way
  | 'delta-norm' // ExpRL-Process (main): A_k = s_k - s_{k-1}, A_1 = s_1 - s_K, K = 1: A_1 = s_1
  | 'end-norm' // ablation: A_k = s_k - s_K
  | 'group-norm'; // ablation: A_k = s_k - mean over the group's tokens of their segment score

/** How a response that hit the length limit is treated (method.md, "Guards"); either way its reward is 0.
 *  'penalize' (the authors'): under sparse GRPO and Outcome it takes the ordinary group-normalised
 *  (negative) advantage; 'zero-advantage' (the older rule): its advantages are 0 but its reward still
 *  counts in the group statistics. Under the process modes ProcessTruncationRule applies. */
export type TruncationRule = 'penalize' | 'zero-advantage';

/** What a truncated response gets under the process modes. 'zero-advantage' (method.md, the authors'
 *  code): all-zero advantages. 'penalize': its unfinished last segment scores 0, the lowest grade, and
 *  the mode's arithmetic runs as for any response, so running out of room costs what a wrong answer
 *  costs. Where the length limit lies just past a whole solution, as in the toy, zero advantages let a
 *  policy that avoids answering escape every penalty by running on (docs/experiment.md). */
export type ProcessTruncationRule = 'zero-advantage' | 'penalize';

export interface AdvantageOptions {
  mode: AdvantageMode;
  stdNormalize: boolean; // true: divide by the group std (GRPO); Stage II of the authors uses false
  eps: number; // 1e-6: added to the std, as in method.md
  truncation: TruncationRule; // 'penalize', as in the authors' code
  processTruncation: ProcessTruncationRule; // 'zero-advantage', as in the authors' code
}

export const DEFAULT_ADVANTAGE_OPTIONS: Omit<AdvantageOptions, 'mode'> = {
  stdNormalize: true,
  eps: 1e-6,
  truncation: 'penalize',
  processTruncation: 'zero-advantage',
};

export interface GroupAdvantages {
  advantages: Float32Array[]; // per trajectory, one value per response token
  masks: Float32Array[]; // per trajectory, 1 per token in the loss, 0 for dropped trajectories
  dropped: number; // trajectories with a failed judge call
  truncated: number;
  zeroVariance: boolean; // every kept trajectory has the same (outcome) reward: the "dead zone"
}

/** Sample mean and standard deviation (Bessel-corrected, as TRL and verl compute GRPO's; 0 below 2). */
export function meanStd(xs: number[]): { mean: number; std: number } {
  const n = xs.length;
  if (n === 0) return { mean: 0, std: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, std: 0 };
  const v = xs.reduce((a, b) => a + (b - mean) * (b - mean), 0) / (n - 1);
  return { mean, std: Math.sqrt(v) };
}

/**
 * Group-normalised scalar advantages: A = (r - mean) / (std + eps), or r - mean without std
 * normalisation. Null rewards (dropped) are left out of the statistics and get null back.
 */
export function groupNormalize(rewards: (number | null)[], stdNormalize: boolean, eps = 1e-6): (number | null)[] {
  const kept = rewards.filter((r): r is number => r !== null);
  const { mean, std } = meanStd(kept);
  return rewards.map((r) => (r === null ? null : stdNormalize ? (r - mean) / (std + eps) : r - mean));
}

/** Segment advantages of one trajectory for DeltaNorm or EndNorm from its K segment scores. */
export function segmentAdvantages(scores: number[], mode: 'delta-norm' | 'end-norm'): number[] {
  const K = scores.length;
  if (K === 0) throw new Error('segmentAdvantages: a trajectory has at least one segment');
  const last = scores[K - 1];
  if (mode === 'end-norm') return scores.map((s) => s - last);
  if (K === 1) return [scores[0]];
  return scores.map((s, k) => (k === 0 ? s - last : s - scores[k - 1]));
}

/** Checks segment starts: as many as scores, the first 0, non-decreasing, none past the end. */
export function validateSegments(length: number, starts: number[], nScores: number): void {
  if (starts.length === 0 || starts.length !== nScores) {
    throw new Error(
      `segmentStarts has ${starts.length} entries for ${nScores} scores; need one start per segment and at least one`,
    );
  }
  if (starts[0] !== 0) throw new Error(`segmentStarts[0] must be 0, got ${starts[0]}`);
  for (let k = 0; k < starts.length; k++) {
    const s = starts[k];
    if (!Number.isInteger(s) || s > length || (k > 0 && s < starts[k - 1])) {
      throw new Error(`segmentStarts must be non-decreasing integers in [0, ${length}], got ${JSON.stringify(starts)}`);
    }
  }
}

/** Writes each segment's value on its tokens [start_k, start_{k+1}) (the last runs to `length`). */
export function spreadSegments(length: number, starts: number[], values: number[]): Float32Array {
  const out = new Float32Array(length);
  for (let k = 0; k < starts.length; k++)
    out.fill(values[k], starts[k], k + 1 < starts.length ? starts[k + 1] : length);
  return out;
}

/**
 * Advantages and loss masks of one group. A truncated rollout counts as reward 0 (per-token scores 0)
 * in the group statistics; its advantages follow o.truncation (outcome modes) or o.processTruncation
 * (process modes: all zero, or its last segment scored 0), mask 1. A dropped one (null reward or any null segment score, truncated or not) is left out
 * of the statistics and gets mask 0.
 */
export function groupAdvantages(
  group: ScoredTrajectory[],
  options: Partial<AdvantageOptions> & Pick<AdvantageOptions, 'mode'>,
): GroupAdvantages {
  const o: AdvantageOptions = { ...DEFAULT_ADVANTAGE_OPTIONS, ...options };
  const outcomeMode = o.mode === 'sparse-grpo' || o.mode === 'outcome';
  const advantages: Float32Array[] = group.map((t) => new Float32Array(t.length));
  const masks: Float32Array[] = group.map((t) => new Float32Array(t.length).fill(1));
  let dropped = 0;
  // kept[i]: the trajectory's reward (outcome) or segment scores (process) with truncation applied
  const kept = group.map((t, i) => {
    if (t.score.kind !== (outcomeMode ? 'outcome' : 'process')) {
      throw new Error(
        `mode '${o.mode}' needs '${outcomeMode ? 'outcome' : 'process'}' scores, trajectory ${i} has '${t.score.kind}'`,
      );
    }
    if (t.score.kind === 'process') {
      try {
        validateSegments(t.length, t.score.segmentStarts, t.score.scores.length);
      } catch (e) {
        throw new Error(`trajectory ${i}: ${(e as Error).message}`);
      }
    }
    // NaN would spread through the group statistics to every advantage of the group: refuse it loudly
    for (const v of t.score.kind === 'outcome' ? [t.score.reward] : t.score.scores) {
      if (v !== null && !Number.isFinite(v))
        throw new Error(`trajectory ${i}: score ${v} is not a finite number (null marks a failed judge call)`);
    }
    const failed = t.score.kind === 'outcome' ? t.score.reward === null : t.score.scores.some((s) => s === null);
    if (failed) {
      masks[i].fill(0);
      dropped++;
      return null;
    }
    if (t.score.kind === 'outcome') return t.truncated ? [0] : [t.score.reward as number];
    if (!t.truncated) return t.score.scores as number[];
    if (o.processTruncation === 'zero-advantage') return t.score.scores.map(() => 0);
    return t.score.scores.map((v, k, all) => (k === all.length - 1 ? 0 : (v as number)));
  });
  const rewards = kept.map((k) => (k === null ? null : k[0]));
  const distinct = new Set(rewards.filter((r) => r !== null));
  const zeroVariance = outcomeMode && distinct.size <= 1;

  if (outcomeMode) {
    const a = groupNormalize(rewards, o.stdNormalize, o.eps);
    group.forEach((t, i) => {
      if (a[i] !== null && !(t.truncated && o.truncation === 'zero-advantage')) advantages[i].fill(a[i] as number);
    });
  } else if (o.mode === 'group-norm') {
    // mean over every kept token of the group of its segment's score
    let sum = 0;
    let count = 0;
    group.forEach((t, i) => {
      const s = kept[i];
      if (s === null || t.score.kind !== 'process') return;
      const perToken = spreadSegments(t.length, t.score.segmentStarts, s);
      for (let j = 0; j < perToken.length; j++) sum += perToken[j];
      count += t.length;
    });
    const mean = count > 0 ? sum / count : 0;
    group.forEach((t, i) => {
      const s = kept[i];
      if (s === null || (t.truncated && o.processTruncation === 'zero-advantage') || t.score.kind !== 'process') return;
      advantages[i] = spreadSegments(
        t.length,
        t.score.segmentStarts,
        s.map((x) => x - mean),
      );
    });
  } else {
    group.forEach((t, i) => {
      const s = kept[i];
      if (s === null || (t.truncated && o.processTruncation === 'zero-advantage') || t.score.kind !== 'process') return;
      advantages[i] = spreadSegments(
        t.length,
        t.score.segmentStarts,
        segmentAdvantages(s, o.mode as 'delta-norm' | 'end-norm'),
      );
    });
  }
  return { advantages, masks, dropped, truncated: group.filter((t) => t.truncated).length, zeroVariance };
}
