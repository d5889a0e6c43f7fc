// The three scorers against the built-in judge on hand-made responses to a generated hard problem:
// sparse (the answer checker; truncation scores 0), Outcome (one verdict, dense reward) and Process
// (one verdict per ### segment, and those segments land on exactly their tokens in the advantages).
import { describe, it, expect } from 'vitest';
import { makeScorer } from '../../src/run/scorers';
import { BuiltinJudge } from '../../src/judge/builtin';
import { hardProblems } from '../../src/tasks/splits';
import { truncateWorked } from '../../src/tasks/problem';
import { encode, SPECIAL_TOKENS } from '../../src/model/tokenizer';
import { textOffsetsToTokens } from '../../src/rl/rl-batch';
import { groupAdvantages, segmentAdvantages, spreadSegments } from '../../src/rl/advantages';

const problem = hardProblems({}, 'train', 1)[0];
const judge = new BuiltinJudge();
const half = truncateWorked(problem.worked, 2);
const wrongAnswer = problem.worked.replace(/A: .*$/, 'A: 100000');

describe('scorers with the built-in judge', () => {
  it('sparse: 1 for the right answer, 0 otherwise and when truncated; the measuring judge gives the dense reward', async () => {
    const s = makeScorer({ kind: 'sparse', measure: judge, rubricMode: 'explicit' });
    const right = await s(problem, problem.worked, false);
    expect(right.score).toEqual({ kind: 'outcome', reward: 1 });
    expect(right.correct).toBe(1);
    expect(right.dense).toBe(1);
    expect((await s(problem, problem.worked, true)).score).toEqual({ kind: 'outcome', reward: 0 });
    const wrong = await s(problem, wrongAnswer, false);
    expect([wrong.correct, wrong.score]).toEqual([0, { kind: 'outcome', reward: 0 }]);
    expect(wrong.dense).toBeGreaterThan(0); // the steps were right: partial credit the sparse reward cannot see
    expect(
      (await makeScorer({ kind: 'sparse', rubricMode: 'explicit' })(problem, problem.worked, false)).dense,
    ).toBeUndefined();
  });

  it("every scorer carries the verifier's check of the steps, and none for a problem without known steps", async () => {
    const total = problem.worked.split('\n').filter((l) => l.startsWith('### ')).length;
    for (const kind of ['sparse', 'outcome', 'process'] as const) {
      const s = makeScorer({ kind, judge, rubricMode: 'explicit' });
      expect((await s(problem, problem.worked, false)).verified).toEqual({ inOrder: total, total });
      expect((await s(problem, half, false)).verified).toEqual({ inOrder: 2, total });
      expect((await s(problem, 'A: 7', false)).verified).toEqual({ inOrder: 0, total });
      expect((await s({ ...problem, worked: '' }, problem.worked, false)).verified).toBeUndefined();
    }
  });

  it('outcome: the judge score of the whole response is the reward; partial work scores between', async () => {
    const s = makeScorer({ kind: 'outcome', judge, measure: judge, rubricMode: 'explicit' });
    const full = await s(problem, problem.worked, false);
    const part = await s(problem, half, false);
    const junk = await s(problem, 'A: 7', false);
    expect(full.score).toEqual({ kind: 'outcome', reward: 1 });
    const r = (x: typeof full) => (x.score.kind === 'outcome' ? x.score.reward : NaN) as number;
    expect(r(part)).toBeGreaterThan(r(junk));
    expect(r(part)).toBeLessThan(1);
    expect(part.dense).toBe(r(part));
  });

  it('process: one verdict per ### segment, and each segment advantage lands on exactly its tokens', async () => {
    const s = makeScorer({ kind: 'process', judge, rubricMode: 'explicit' });
    const response = half + 'A: 5';
    const x = await s(problem, response, false);
    if (x.score.kind !== 'process') throw new Error('expected process scores');
    const segs = response.split(/(?=###)|(?<=\n)(?=A: )/); // each step, then the answer line
    expect(x.score.segmentStarts).toEqual(segs.map((_, i) => segs.slice(0, i).join('').length));
    expect(x.score.scores.every((v) => v !== null && v >= 0 && v <= 1)).toBe(true);
    expect(x.score.scores[0]).toBe(1); // a right first step establishes a checkpoint
    const tokens = encode(response);
    const starts = textOffsetsToTokens(tokens, x.score.segmentStarts, (id) => id < SPECIAL_TOKENS);
    const g = groupAdvantages(
      [{ score: { ...x.score, segmentStarts: starts }, length: tokens.length, truncated: false }],
      { mode: 'delta-norm' },
    );
    const want = spreadSegments(tokens.length, starts, segmentAdvantages(x.score.scores as number[], 'delta-norm'));
    expect(Array.from(g.advantages[0])).toEqual(Array.from(want));
    for (let k = 0; k < segs.length; k++) {
      const from = starts[k],
        to = k + 1 < segs.length ? starts[k + 1] : tokens.length;
      expect(response.slice(from, to)).toBe(segs[k]); // the tokens of segment k are its text
    }
  });
});
