// Rewards to advantages against hand-computed values: GRPO with and without std, ExpRL-Outcome,
// DeltaNorm / EndNorm / GroupNorm on segments (K = 1 and empty segments included), truncation
// (reward 0, zero advantages) and dropped trajectories (mask 0, left out of the statistics).
import { describe, expect, it } from 'vitest';
import { assertClose } from '../helpers/compare';
import {
  groupAdvantages,
  groupNormalize,
  meanStd,
  segmentAdvantages,
  spreadSegments,
  type ScoredTrajectory,
} from '../../src/rl/advantages';
import { segmentStarts, splitSegments } from '../../src/judge/segments';

const outcome = (reward: number | null, length: number, truncated = false): ScoredTrajectory => ({
  score: { kind: 'outcome', reward },
  length,
  truncated,
});
const proc = (
  segmentStarts: number[],
  scores: (number | null)[],
  length: number,
  truncated = false,
): ScoredTrajectory => ({
  score: { kind: 'process', segmentStarts, scores },
  length,
  truncated,
});
const rep = (v: number, n: number) => Array(n).fill(v);
const close = (name: string, got: Float32Array, want: number[]) => assertClose(name, got, want, 1e-6, 1e-5);

describe('outcome advantages (sparse GRPO, ExpRL-Outcome)', () => {
  it('normalises by the group mean and sample std', () => {
    const g = groupAdvantages([outcome(1, 3), outcome(0, 2), outcome(0, 4), outcome(1, 1)], { mode: 'sparse-grpo' });
    // mean 0.5, sample std sqrt((4 * 0.25) / 3) = 0.5773503; A = +-0.5 / (0.5773503 + 1e-6)
    const a = 0.5 / (Math.sqrt(1 / 3) + 1e-6);
    close('A0', g.advantages[0], rep(a, 3));
    close('A1', g.advantages[1], rep(-a, 2));
    close('A2', g.advantages[2], rep(-a, 4));
    close('A3', g.advantages[3], rep(a, 1));
    expect(g.masks.map((m) => Array.from(m))).toEqual([rep(1, 3), rep(1, 2), rep(1, 4), rep(1, 1)]);
    expect(g.zeroVariance).toBe(false);
  });

  it('can skip the std division (Stage II)', () => {
    const g = groupAdvantages([outcome(1, 2), outcome(0, 2), outcome(0, 2), outcome(0, 2)], {
      mode: 'sparse-grpo',
      stdNormalize: false,
    });
    close('A0', g.advantages[0], [0.75, 0.75]);
    close('A1', g.advantages[1], [-0.25, -0.25]);
  });

  it('gives zero advantages to a group with one reward (the dead zone) and flags it', () => {
    const g = groupAdvantages([outcome(0, 2), outcome(0, 3), outcome(0, 1)], { mode: 'sparse-grpo' });
    for (const a of g.advantages) expect(Array.from(a).every((x) => x === 0)).toBe(true);
    expect(g.zeroVariance).toBe(true);
    // a judge reward still varies where correctness does not
    const j = groupAdvantages([outcome(0.25, 2), outcome(0.75, 2), outcome(0.5, 2)], { mode: 'outcome' });
    close('judge', j.advantages[0], rep(-0.25 / (0.25 + 1e-6), 2)); // mean 0.5, sample std 0.25
    expect(j.zeroVariance).toBe(false);
  });

  it('counts a truncated rollout as reward 0 and gives it the ordinary (negative) advantage', () => {
    const g = groupAdvantages([outcome(1, 2), outcome(0.5, 2), outcome(0.75, 3, true)], { mode: 'outcome' });
    // rewards used 1, 0.5, 0: mean 0.5, sample std 0.5
    close('A0', g.advantages[0], rep(0.5 / (0.5 + 1e-6), 2));
    close('A1', g.advantages[1], [0, 0]);
    close('A2 truncated', g.advantages[2], rep(-0.5 / (0.5 + 1e-6), 3));
    expect(Array.from(g.masks[2])).toEqual([1, 1, 1]);
    expect(g.truncated).toBe(1);
  });

  it('the older rule, as an option: a truncated rollout counts as reward 0 but gets zero advantages', () => {
    const g = groupAdvantages([outcome(1, 2), outcome(0.5, 2), outcome(0.75, 3, true)], {
      mode: 'outcome',
      truncation: 'zero-advantage',
    });
    close('A0', g.advantages[0], rep(0.5 / (0.5 + 1e-6), 2));
    close('A2 truncated', g.advantages[2], [0, 0, 0]);
    expect(Array.from(g.masks[2])).toEqual([1, 1, 1]);
  });

  it('drops a trajectory whose judge failed: mask 0, out of the statistics', () => {
    const g = groupAdvantages([outcome(1, 2), outcome(null, 3), outcome(0, 1)], { mode: 'outcome' });
    // kept 1 and 0: mean 0.5, sample std sqrt(0.5)
    const a = 0.5 / (Math.SQRT1_2 + 1e-6);
    close('A0', g.advantages[0], [a, a]);
    close('A2', g.advantages[2], [-a]);
    expect(Array.from(g.advantages[1])).toEqual([0, 0, 0]);
    expect(Array.from(g.masks[1])).toEqual([0, 0, 0]);
    expect(g.dropped).toBe(1);
    expect(groupNormalize([null, 2], true)).toEqual([null, 0]);
  });
});

describe('process advantages (ExpRL-Process)', () => {
  const starts = [0, 3, 5, 9];
  const scores = [0.5, 1, 0.25, 1];

  it('DeltaNorm: A_1 = s_1 - s_K, A_k = s_k - s_{k-1}, on every token of segment k', () => {
    expect(segmentAdvantages(scores, 'delta-norm')).toEqual([-0.5, 0.5, -0.75, 0.75]);
    const g = groupAdvantages([proc(starts, scores, 12)], { mode: 'delta-norm' });
    close('delta', g.advantages[0], [...rep(-0.5, 3), ...rep(0.5, 2), ...rep(-0.75, 4), ...rep(0.75, 3)]);
  });

  it('DeltaNorm with K = 1 gives A_1 = s_1; EndNorm with K = 1 gives 0', () => {
    expect(segmentAdvantages([0.75], 'delta-norm')).toEqual([0.75]);
    close('K=1 delta', groupAdvantages([proc([0], [0.75], 4)], { mode: 'delta-norm' }).advantages[0], rep(0.75, 4));
    close('K=1 end', groupAdvantages([proc([0], [0.75], 4)], { mode: 'end-norm' }).advantages[0], rep(0, 4));
  });

  it('EndNorm: A_k = s_k - s_K', () => {
    expect(segmentAdvantages(scores, 'end-norm')).toEqual([-0.5, 0, -0.75, 0]);
    close('end', groupAdvantages([proc(starts, scores, 12)], { mode: 'end-norm' }).advantages[0], [
      ...rep(-0.5, 3),
      ...rep(0, 2),
      ...rep(-0.75, 4),
      ...rep(0, 3),
    ]);
  });

  it('handles empty segments: their score still counts, they cover no token', () => {
    // segments [0,2), [2,2) empty, [2,5), [5,5) empty at the end
    const g = groupAdvantages([proc([0, 2, 2, 5], [1, 0, 0.5, 0.25], 5)], { mode: 'delta-norm' });
    // A = [1 - 0.25, 0 - 1, 0.5 - 0, 0.25 - 0.5] = [0.75, -1, 0.5, -0.25]
    close('empty', g.advantages[0], [0.75, 0.75, 0.5, 0.5, 0.5]);
    expect(Array.from(spreadSegments(0, [0], [3]))).toEqual([]);
  });

  it('GroupNorm: A_k = s_k - mean over the group of per-token scores (truncated count as 0, dropped not at all)', () => {
    const g = groupAdvantages(
      [proc([0, 2], [1, 0.5], 4), proc([0], [0], 2), proc([0], [1], 2, true), proc([0, 1], [1, null], 3)],
      { mode: 'group-norm' },
    );
    // per-token scores: [1,1,.5,.5], [0,0], truncated [0,0]; dropped left out: mean = 3 / 8 = 0.375
    close('G0', g.advantages[0], [0.625, 0.625, 0.125, 0.125]);
    close('G1', g.advantages[1], [-0.375, -0.375]);
    close('G2 truncated', g.advantages[2], [0, 0]);
    close('G3 dropped', g.advantages[3], [0, 0, 0]);
    expect(g.masks.map((m) => Array.from(m))).toEqual([
      [1, 1, 1, 1],
      [1, 1],
      [1, 1],
      [0, 0, 0],
    ]);
    expect(g.dropped).toBe(1);
  });

  it('process modes: truncated responses get all zeros; truncated and unparsable, or failed segments, drop the trajectory', () => {
    const g = groupAdvantages(
      [proc([0, 2], [1, 0], 4, true), proc([0, 2], [null, 1], 4, true), proc([0, 2], [1, null], 4)],
      { mode: 'delta-norm' },
    );
    expect(Array.from(g.advantages[0])).toEqual([0, 0, 0, 0]);
    expect(Array.from(g.masks[0])).toEqual([1, 1, 1, 1]);
    expect(Array.from(g.masks[1])).toEqual([0, 0, 0, 0]);
    expect(Array.from(g.masks[2])).toEqual([0, 0, 0, 0]);
    expect(Array.from(g.advantages[2])).toEqual([0, 0, 0, 0]);
    expect(g.dropped).toBe(2);
  });

  it("process modes, option 'penalize': a truncated response's last segment scores 0, then the mode's arithmetic", () => {
    // segments [0,2) [2,4) [4,6), scores 1, 0.75, 1 (the last unfinished): scored as 1, 0.75, 0
    const t = proc([0, 2, 4], [1, 0.75, 1], 6, true);
    const delta = groupAdvantages([t], { mode: 'delta-norm', processTruncation: 'penalize' });
    close('DeltaNorm', delta.advantages[0], [1, 1, -0.25, -0.25, -0.75, -0.75]); // s1-sK, s2-s1, s3-s2
    const end = groupAdvantages([t], { mode: 'end-norm', processTruncation: 'penalize' });
    close('EndNorm', end.advantages[0], [1, 1, 0.75, 0.75, 0, 0]);
    const grp = groupAdvantages([t, proc([0, 2, 4], [1, 1, 1], 6)], {
      mode: 'group-norm',
      processTruncation: 'penalize',
    });
    const mean = (1 + 0.75 + 0 + 3) / 6; // per-token scores over both, two tokens a segment
    close(
      'GroupNorm',
      grp.advantages[0],
      [1, 1, 0.75, 0.75, 0, 0].map((v) => v - mean),
    );
    // an untruncated response is unchanged by the option
    const plain = groupAdvantages([proc([0, 2, 4], [1, 0.75, 1], 6)], {
      mode: 'delta-norm',
      processTruncation: 'penalize',
    });
    close('untruncated', plain.advantages[0], [0, 0, -0.25, -0.25, 0.25, 0.25]);
  });

  it('maps judge segments onto tokens through their character offsets', () => {
    const response = '### 48*2=96\n### 96+37=134\nA: 134';
    const segs = splitSegments(response);
    const st = segmentStarts(segs);
    expect(st).toEqual([0, 12, 26]);
    const g = groupAdvantages([proc(st, [1, 0, 0], response.length + 1)], { mode: 'delta-norm' }); // + EOS
    expect(Array.from(g.advantages[0].slice(0, 12)).every((x) => x === 1)).toBe(true); // s_1 - s_K = 1 - 0
    expect(Array.from(g.advantages[0].slice(12, 26)).every((x) => x === -1)).toBe(true); // 0 - 1
    expect(Array.from(g.advantages[0].slice(26)).every((x) => x === 0)).toBe(true); // 0 - 0, EOS included
  });

  it('refuses mismatched inputs with a clear message', () => {
    expect(() => groupAdvantages([outcome(1, 2)], { mode: 'delta-norm' })).toThrow(
      /mode 'delta-norm' needs 'process' scores, trajectory 0 has 'outcome'/,
    );
    expect(() => groupAdvantages([proc([0], [1], 2)], { mode: 'outcome' })).toThrow(/needs 'outcome' scores/);
    expect(() => groupAdvantages([proc([0, 3], [1], 4)], { mode: 'delta-norm' })).toThrow(
      /trajectory 0: segmentStarts has 2 entries for 1 scores/,
    );
    expect(() => groupAdvantages([proc([1], [1], 4)], { mode: 'delta-norm' })).toThrow(/segmentStarts\[0\] must be 0/);
    expect(() => groupAdvantages([proc([0, 3, 2], [1, 1, 1], 4)], { mode: 'delta-norm' })).toThrow(/non-decreasing/);
    expect(() => groupAdvantages([proc([0, 5], [1, 1], 4)], { mode: 'delta-norm' })).toThrow(
      /non-decreasing integers in \[0, 4\]/,
    );
    expect(() => groupAdvantages([outcome(1, 2), outcome(NaN, 2)], { mode: 'outcome' })).toThrow(
      /trajectory 1: score NaN is not a finite number/,
    );
    expect(() => groupAdvantages([proc([0, 1], [1, Infinity], 2)], { mode: 'end-norm' })).toThrow(
      /score Infinity is not a finite/,
    );
  });

  it('DeltaNorm and EndNorm are per trajectory: no group statistics, no std', () => {
    const alone = groupAdvantages([proc([0, 2], [0.25, 1], 4)], { mode: 'delta-norm' }).advantages[0];
    const g = groupAdvantages([proc([0, 2], [0.25, 1], 4), proc([0], [1], 3), proc([0, 1], [0, 0], 2)], {
      mode: 'delta-norm',
    });
    expect(Array.from(g.advantages[0])).toEqual(Array.from(alone)); // [-0.75, -0.75, 0.75, 0.75]
    close('alone', alone, [-0.75, -0.75, 0.75, 0.75]);
    close('K=1', g.advantages[1], [1, 1, 1]);
    const e = groupAdvantages([proc([0, 2], [0.25, 1], 4), proc([0], [1], 3)], {
      mode: 'end-norm',
      stdNormalize: true,
    });
    close('end', e.advantages[0], [-0.75, -0.75, 0, 0]);
  });

  it('adds eps = 1e-6 to the group std (it matters when the std is tiny), and takes another eps', () => {
    // rewards 0 and 1e-6: mean 5e-7, sample std 7.0710678e-7; without eps A would be +-0.7071
    const g = groupAdvantages([outcome(0, 1), outcome(1e-6, 1)], { mode: 'outcome' });
    const a = 5e-7 / (Math.SQRT1_2 * 1e-6 + 1e-6);
    close('tiny std', g.advantages[1], [a]);
    expect(a).toBeCloseTo(0.2928932, 6);
    close('eps 0.5', groupAdvantages([outcome(0, 1), outcome(1, 1)], { mode: 'sparse-grpo', eps: 0.5 }).advantages[1], [
      0.5 / (Math.SQRT1_2 + 0.5),
    ]);
  });

  it('in every mode: truncation keeps mask 1 (negative advantage under outcome modes, zeros under process modes); a failed judge gives mask 0', () => {
    const modes = ['sparse-grpo', 'outcome', 'delta-norm', 'end-norm', 'group-norm'] as const;
    for (const mode of modes) {
      const outcomeMode = mode === 'sparse-grpo' || mode === 'outcome';
      const ok = (r: number, n: number, truncated = false) =>
        outcomeMode ? outcome(r, n, truncated) : proc([0, 1], [r, 1 - r], n, truncated);
      const failed = (n: number) => (outcomeMode ? outcome(null, n) : proc([0, 1], [0.5, null], n));
      const g = groupAdvantages([ok(1, 3), ok(0.25, 2), ok(1, 4, true), failed(3)], { mode });
      if (outcomeMode)
        expect(
          Array.from(g.advantages[2]).every((x) => x < 0),
          mode,
        ).toBe(true);
      else expect(Array.from(g.advantages[2]), mode).toEqual([0, 0, 0, 0]);
      expect(Array.from(g.masks[2]), mode).toEqual([1, 1, 1, 1]);
      expect(Array.from(g.advantages[3]), mode).toEqual([0, 0, 0]);
      expect(Array.from(g.masks[3]), mode).toEqual([0, 0, 0]);
      expect(Array.from(g.masks[0]), mode).toEqual([1, 1, 1]);
      expect(
        Array.from(g.advantages[0]).some((x) => x !== 0),
        mode,
      ).toBe(true); // the kept ones still learn
      expect([g.dropped, g.truncated], mode).toEqual([1, 1]);
    }
  });

  it('meanStd uses the sample std and is 0 below two values', () => {
    expect(meanStd([1, 0, 0, 1]).std).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(meanStd([3])).toEqual({ mean: 3, std: 0 });
    expect(meanStd([])).toEqual({ mean: 0, std: 0 });
  });
});
