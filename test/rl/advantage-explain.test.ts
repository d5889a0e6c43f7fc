// The filled-in arithmetic of a token's advantage ends at the number the loss used: for every mode
// (sparse GRPO and Outcome with and without std, DeltaNorm, EndNorm, GroupNorm), on random groups with
// cut and dropped responses, every token's explanation equals groupAdvantages' value (float32, as the
// loss read it); self-distillation's log-ratio equals opsdAdvantages'. Hand-made groups check the text.
import { describe, expect, it } from 'vitest';
import { groupAdvantages, type AdvantageMode, type ScoredTrajectory } from '../../src/rl/advantages';
import { explainAdvantage, explainSelfDistillation, num, segmentOf } from '../../src/rl/advantage-explain';
import { opsdAdvantages } from '../../src/rl/opsd';
import { mulberry32, randInt } from '../../src/util/rng';

const MODES: AdvantageMode[] = ['sparse-grpo', 'outcome', 'delta-norm', 'end-norm', 'group-norm'];
const likert = (rng: () => number) => (randInt(rng, 1, 5) - 1) / 4;

/** A random group of G responses for `mode`: segment starts (empty segments too), scores, cut and failed ones. */
function randomGroup(rng: () => number, mode: AdvantageMode, G: number): ScoredTrajectory[] {
  return Array.from({ length: G }, () => {
    const length = randInt(rng, 1, 14);
    const truncated = rng() < 0.2;
    const failed = rng() < 0.1;
    if (mode === 'sparse-grpo' || mode === 'outcome') {
      const reward = failed ? null : mode === 'sparse-grpo' ? (rng() < 0.4 ? 1 : 0) : likert(rng);
      return { score: { kind: 'outcome', reward }, length, truncated };
    }
    const K = randInt(rng, 1, 4);
    const starts = [0, ...Array.from({ length: K - 1 }, () => randInt(rng, 0, length))].sort((a, b) => a - b);
    const scores = starts.map(() => (failed && rng() < 0.5 ? null : likert(rng)));
    if (failed && !scores.includes(null)) scores[0] = null;
    return { score: { kind: 'process', segmentStarts: starts, scores }, length, truncated };
  });
}

describe('explainAdvantage', () => {
  for (const mode of MODES)
    for (const stdNormalize of mode === 'sparse-grpo' || mode === 'outcome' ? [true, false] : [true])
      for (const truncation of ['penalize', 'zero-advantage'] as const)
        it(`ends at groupAdvantages' value on every token: ${mode}, std ${stdNormalize}, ${truncation}`, () => {
          const rng = mulberry32(
            MODES.indexOf(mode) * 17 + (stdNormalize ? 1 : 2) + (truncation === 'penalize' ? 0 : 5),
          );
          // the process modes' rule for a cut response follows the outcome modes' in this test: both rules, each mode
          const processTruncation = truncation;
          let tokens = 0;
          for (let trial = 0; trial < 40; trial++) {
            const group = randomGroup(rng, mode, randInt(rng, 2, 6));
            const o = { mode, stdNormalize, truncation, processTruncation };
            const want = groupAdvantages(group, o);
            group.forEach((t, i) => {
              for (let j = 0; j < t.length; j++) {
                const e = explainAdvantage(group, i, j, o);
                expect(Math.fround(e.value), `${mode} trial ${trial} response ${i} token ${j}`).toBe(
                  want.advantages[i][j],
                );
                expect(e.masked).toBe(want.masks[i][j] === 0);
                expect(e.lines.length).toBeGreaterThan(0);
                tokens++;
              }
            });
          }
          expect(tokens).toBeGreaterThan(100);
        });

  it("writes DeltaNorm's rule with the group's numbers", () => {
    const t: ScoredTrajectory = {
      score: { kind: 'process', segmentStarts: [0, 3, 6], scores: [0.5, 0.75, 0.25] },
      length: 9,
      truncated: false,
    };
    const first = explainAdvantage([t], 0, 1, { mode: 'delta-norm' });
    expect(first.segment).toBe(0);
    expect(first.lines.at(-1)).toBe('A_1 = s_1 \u2212 s_3 = 0.5 \u2212 0.25 = 0.25');
    const second = explainAdvantage([t], 0, 4, { mode: 'delta-norm' });
    expect(second.lines.at(-1)).toBe('A_2 = s_2 \u2212 s_1 = 0.75 \u2212 0.5 = 0.25');
    const third = explainAdvantage([t], 0, 8, { mode: 'delta-norm' });
    expect(third.lines.at(-1)).toBe('A_3 = s_3 \u2212 s_2 = 0.25 \u2212 0.75 = \u22120.5');
    expect(explainAdvantage([t], 0, 8, { mode: 'end-norm' }).lines.at(-1)).toBe(
      'A_3 = s_3 \u2212 s_3 = 0.25 \u2212 0.25 = 0',
    );
  });

  it("writes GRPO's normalisation with the group's rewards, mean and std", () => {
    const g: ScoredTrajectory[] = [1, 0, 0, 1].map((r) => ({
      score: { kind: 'outcome', reward: r },
      length: 2,
      truncated: false,
    }));
    const e = explainAdvantage(g, 0, 0, { mode: 'sparse-grpo' });
    expect(e.lines).toEqual([
      "the group's 4 0/1 rewards: 1, 0, 0, 1",
      'mean = 2 / 4 = 0.5',
      'std = 0.5774 (sample std, n \u2212 1 = 3)',
      'A = (1 \u2212 0.5) / (0.5774 + 0.000001) = 0.866',
    ]);
  });

  it('says why a dropped response has no advantage', () => {
    const g: ScoredTrajectory[] = [
      { score: { kind: 'outcome', reward: null }, length: 2, truncated: false },
      { score: { kind: 'outcome', reward: 1 }, length: 2, truncated: false },
    ];
    const e = explainAdvantage(g, 0, 0, { mode: 'outcome' });
    expect(e.masked).toBe(true);
    expect(e.lines[0]).toMatch(/left out of the loss/);
  });
});

describe('explainSelfDistillation', () => {
  it("equals opsdAdvantages' teacher minus student log-prob", () => {
    const student = [Float32Array.from([-1.5, -0.25, -3])];
    const teacher = [Float32Array.from([-0.5, -0.75, -3.125])];
    const want = opsdAdvantages(student, teacher)[0];
    student[0].forEach((s, t) => expect(Math.fround(explainSelfDistillation(teacher[0][t], s).value)).toBe(want[t]));
    expect(explainSelfDistillation(-0.5, -1.5).lines[0]).toBe('A_t = \u22120.5 \u2212 (\u22121.5) = 1');
  });
});

describe('helpers', () => {
  it('finds the segment of a token (empty segments hold none) and prints numbers', () => {
    expect([0, 1, 2, 3, 4].map((j) => segmentOf([0, 2, 2, 4], j))).toEqual([0, 0, 2, 2, 3]);
    expect([num(0.25), num(-1.5), num(1 / 3), num(0.000417), num(2)]).toEqual([
      '0.25',
      '\u22121.5',
      '0.3333',
      '0.000417',
      '2',
    ]);
  });
});
