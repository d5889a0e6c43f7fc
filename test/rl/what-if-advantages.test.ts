// What-if advantages: every score of a response becomes the trajectory score each mode trains on (a
// cut response's 0/1 reward is 0; the length guard reaches the group), the groups give groupAdvantages'
// values, and two sets of advantages are compared over the tokens in both losses.
import { describe, expect, it } from 'vitest';
import { groupAdvantages } from '../../src/rl/advantages';
import { advantagesFor, compareAdvantages, scoreFor, type AllScores } from '../../src/rl/what-if-advantages';
import { largestChanges, logprobDeltas } from '../../src/rl/update-changes';

const settings = {
  stdNormalize: true,
  truncationGuard: true,
  truncationRule: 'penalize' as const,
  processTruncation: 'zero-advantage' as const,
};
const resp = (correct: 0 | 1, outcome: number | null, scores: (number | null)[], truncated = false): AllScores => ({
  length: 6,
  truncated,
  correct,
  outcome,
  segments: scores.map((score, k) => ({ start: k * 2, score })),
});

describe('what-if advantages', () => {
  const all = [resp(1, 1, [1, 1]), resp(0, 0.5, [0.75, 0.25]), resp(1, 0.75, [0.5, null], true), resp(0, 0, [0, 0.25])];

  it('builds the score each mode trains on', () => {
    expect(scoreFor('sparse-grpo', all[2])).toEqual({ kind: 'outcome', reward: 0 }); // cut: 0, whatever the checker says
    expect(scoreFor('outcome', all[1])).toEqual({ kind: 'outcome', reward: 0.5 });
    expect(scoreFor('delta-norm', all[1])).toEqual({ kind: 'process', segmentStarts: [0, 2], scores: [0.75, 0.25] });
  });

  it("gives groupAdvantages' values, group by group", () => {
    for (const mode of ['sparse-grpo', 'outcome', 'delta-norm', 'end-norm', 'group-norm'] as const) {
      const got = advantagesFor(mode, all, 2, settings);
      for (const g of [0, 1]) {
        const want = groupAdvantages(
          all.slice(2 * g, 2 * g + 2).map((x) => ({ score: scoreFor(mode, x), length: 6, truncated: x.truncated })),
          { mode },
        );
        expect(got.advantages.slice(2 * g, 2 * g + 2)).toEqual(want.advantages);
        expect(got.masks.slice(2 * g, 2 * g + 2)).toEqual(want.masks);
      }
    }
    expect(() => advantagesFor('outcome', all.slice(0, 3), 2, settings)).toThrow(/groups of 2/);
  });

  it('compares two sets of advantages over the tokens in both losses', () => {
    const a = [
      [0.5, 0.5, -0.25, 0],
      [1, 1],
    ];
    const b = [
      [-0.5, 0, -0.25, 0.5],
      [2, 0],
    ];
    const d = compareAdvantages(
      a,
      b,
      [
        [1, 1, 1, 1],
        [1, 1],
      ],
      [
        [1, 1, 1, 1],
        [1, 0],
      ],
    );
    // response 0: 0.5 -> -0.5 flips, 0.5 -> 0 silenced, 0 -> 0.5 awakened; its sum 0.75 -> -0.25 reverses
    expect(d).toEqual({
      tokens: 5,
      meanAbs: (1 + 0.5 + 0 + 0.5 + 1) / 5,
      signFlips: 1,
      silenced: 1,
      awakened: 1,
      responsesReversed: 1,
    });
  });
});

describe('log-prob changes of an update', () => {
  it('are after minus before, with the largest rises and drops first', () => {
    const before = [[-1, -2], [-0.5]];
    const after = [[-0.5, -2.5], [-0.25]];
    expect(logprobDeltas(before, after)).toEqual([[0.5, -0.5], [0.25]]);
    const { rises, drops } = largestChanges(before, after, 1);
    expect(rises).toEqual([{ trace: 0, token: 0, before: -1, after: -0.5, delta: 0.5 }]);
    expect(drops).toEqual([{ trace: 0, token: 1, before: -2, after: -2.5, delta: -0.5 }]);
    expect(() => logprobDeltas(before, [[-1], [-1]])).toThrow(/response 0/);
  });
});
