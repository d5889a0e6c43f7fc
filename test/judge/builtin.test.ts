// The built-in judge on our own tasks: correct worked solutions score 5, another problem's solution
// scores low, a correct first half in between; segments graded alone on the process anchors; the
// no-reference, wrong-reference and error-rate knobs; determinism; the Judge contract.
import { stepLines } from '../../src/tasks/verifier';
import { describe, expect, it } from 'vitest';
import { BuiltinJudge, inOrderMatches, perturb, substituteReference } from '../../src/judge/builtin';
import type { JudgeProblem } from '../../src/judge/types';
import { TASK_FAMILIES } from '../../src/tasks/families';
import { truncateWorked, type Problem } from '../../src/tasks/problem';
import { hardProblems } from '../../src/tasks/splits';
import { mulberry32 } from '../../src/util/rng';

// as the experiment hands a generated problem to its judge: with the reference's steps
const asJudge = (p: Problem): JudgeProblem => ({
  id: p.id,
  question: p.prompt,
  reference: p.reference,
  answer: p.answer,
  intermediates: p.intermediates,
  steps: stepLines(p.worked),
});
const problems = hardProblems({ families: ['chain', 'carry', 'linear'], seed: 5 }, 'eval', 150);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

// the brief's example: 48*2+37-5 with a human reference that merges the first two steps
const example: JudgeProblem = {
  id: 'chain-example',
  question: 'Q: 48*2+37-5\n',
  answer: '128',
  intermediates: ['96', '133', '128'],
  reference: 'Double 48 and add 37 to get 133; take away 5: the answer is 128.',
};
const worked = '### 48*2=96\n### 96+37=133\n### 133-5=128\nA: 128';

describe('built-in judge, outcome', () => {
  const judge = new BuiltinJudge();

  it("scores correct worked solutions 5, other problems' solutions low, a correct first half in between", async () => {
    const correct: number[] = [];
    const other: number[] = [];
    const half: number[] = [];
    for (const [i, p] of problems.entries()) {
      const q = asJudge(p);
      correct.push((await judge.outcome(q, p.worked)).k as number);
      other.push(judge.outcomeSync(q, problems[(i + 1) % problems.length].worked).k as number);
      half.push(judge.outcomeSync(q, truncateWorked(p.worked, Math.ceil(p.difficulty / 2))).k as number);
    }
    console.log(
      `built-in judge, ${problems.length} held-out problems: mean k correct ${mean(correct).toFixed(2)}, ` +
        `first half ${mean(half).toFixed(2)}, other problem's solution ${mean(other).toFixed(2)}`,
    );
    expect(correct.every((k) => k === 5)).toBe(true);
    expect(mean(other)).toBeLessThan(2);
    expect(other.filter((k) => k >= 4).length).toBeLessThanOrEqual(problems.length * 0.05); // a lucky coincident answer at most
    expect(half.every((k) => k >= 2 && k <= 4)).toBe(true);
    expect(mean(half)).toBeGreaterThan(mean(other) + 1);
    expect(mean(half)).toBeLessThan(4);
  });

  it('follows the anchors on the worked example', () => {
    const k = (r: string) => judge.outcomeSync(example, r).k;
    expect(k(worked)).toBe(5);
    expect(k('A: 128')).toBe(4); // correct, with gaps
    expect(k('### 48*2=96\n### 96+37=134\n### 134-5=129\nA: 129')).toBe(2); // one checkpoint, then a slip
    expect(k('### 48*2=96\n### 96+37=133\n### 133-5=127\nA: 127')).toBe(3); // on track, wrong last step
    expect(k('### 48*2=96\n### 96+37=133\n')).toBe(3); // on track, unfinished
    expect(k('### 48+2=50\n### 50*37=1850\nA: 1845')).toBe(1); // heading elsewhere
    const g = judge.outcomeSync(example, '### 48*2=96\n### 96+37=134\n### 134-5=129\nA: 129');
    expect(g).toMatchObject({ k: 2, reward: 0.25, status: 'ok' });
    expect(g.rationale).toBe(
      "established 1 of 3 checkpoints in order (96), missing 133, 128; final answer 129 differs from the reference's 128; false claims 96+37=134.".replace(
        'claims',
        'claim',
      ),
    );
  });

  it('grades GSM8K-style prose and calculator claims against a read-off rubric', () => {
    const gsm: JudgeProblem = {
      id: 'gsm8k:1',
      question: 'Janet\u2019s ducks lay 16 eggs per day. She eats three ... $2 per egg?',
      reference:
        'Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\nShe makes 9 * 2 = $<<9*2=18>>18 every day.\n#### 18',
    };
    expect(
      judge.outcomeSync(gsm, 'She has 16 - 3 - 4 = 9 eggs left and sells them for 9 * 2 = 18 dollars.\n#### 18').k,
    ).toBe(5);
    expect(judge.outcomeSync(gsm, 'She keeps 9 eggs, which bring in 18 dollars.').k).toBe(5);
    expect(judge.outcomeSync(gsm, 'She has 16 - 3 = 13 eggs and makes 13 * 2 = 26.\n#### 26').k).toBe(1);
  });
});

describe('built-in judge, process', () => {
  const judge = new BuiltinJudge();

  it('grades each segment alone on the anchors', async () => {
    const r =
      'Plan: work left to right.\n### 48*2=96\n### 96-5=91\n### 96+37=133, 133*2=266\n### 96+37=134\n### 133\n### 133-5=128\nA: 128';
    const pg = await judge.process(example, r);
    expect(pg.ok).toBe(true);
    expect(pg.segments.join('')).toBe(r);
    expect(pg.grades.map((g) => g.k)).toEqual([3, 5, 2, 4, 1, 5, 5, 5]); // the answer line is the last segment
    expect(pg.grades.map((g) => g.reward)).toEqual([0.5, 1, 0.25, 0.75, 0, 1, 1, 1]);
    expect(pg.grades[4].rationale).toBe('contradicts: false claim 96+37=134.');
    expect(judge.processSync(example, '### 133-5=128\nA: 127').grades.map((g) => g.k)).toEqual([5, 1]); // a right step, a misleading answer
  });

  it('scores every step of a correct solution 5 and an unrelated one low', () => {
    for (const [i, p] of problems.slice(0, 40).entries()) {
      expect(judge.processSync(asJudge(p), p.worked).grades.every((g) => g.k === 5)).toBe(true);
      const other = judge.processSync(asJudge(p), problems[(i + 1) % 40].worked).grades;
      expect(mean(other.map((g) => g.k as number))).toBeLessThan(3.5);
    }
  });

  it('honours a custom delimiter', () => {
    const pg = judge.processSync(example, 'Step: 48*2=96\nStep: 96+37=133', { stepDelimiter: 'Step:' });
    expect(pg.segments).toEqual(['Step: 48*2=96\n', 'Step: 96+37=133']);
    expect(pg.grades.map((g) => g.k)).toEqual([5, 5]);
  });
});

describe('built-in judge knobs', () => {
  it('without a reference judges only validity: logic errors and unrelated work pass, slips do not', () => {
    const none = new BuiltinJudge({ referenceMode: 'none' });
    expect(none.name).toBe('builtin(no reference)');
    expect(none.outcomeSync(example, worked).k).toBe(5);
    expect(none.outcomeSync(example, '### 48+2=50\n### 50*37=1850\nA: 1850').k).toBe(5); // valid, wrong problem
    expect(none.outcomeSync(example, '### 48*2=96\n### 96+37=134\n### 134-5=129\nA: 129').k).toBe(2);
    expect(none.outcomeSync(example, '### 48*2=96\n').k).toBe(3);
    expect(none.processSync(example, '### 48*2=96\n### 96+37=134').grades.map((g) => g.k)).toEqual([5, 1]);
    // an empty reference is the same thing
    expect(
      new BuiltinJudge().outcomeSync({ id: 'x', question: 'Q', reference: '' }, '### 1+1=2\nA: 2').rationale,
    ).toMatch(/^no reference/);
  });

  it("with a wrong reference grades against another problem's rubric", () => {
    const pool = problems.slice(0, 20).map(asJudge);
    const wrong = new BuiltinJudge({ referenceMode: 'wrong', pool, seed: 3 });
    const p = pool[0];
    const sub = substituteReference(p, pool, 3);
    expect(sub.id).not.toBe(p.id);
    expect(sub.question).toBe(p.question);
    expect(wrong.rubricFor(p)?.problemId).toBe(sub.id);
    const ks = pool.map((q, i) => wrong.outcomeSync(q, problems[i].worked).k as number);
    expect(mean(ks)).toBeLessThan(2.5);
    expect(() => new BuiltinJudge({ referenceMode: 'wrong', pool: [p] })).toThrow(
      /referenceMode 'wrong' needs a pool of at least 2 problems/,
    );
    expect(() => new BuiltinJudge({ referenceMode: 'wrong', pool: [p, { ...p }] }).outcomeSync(p, 'A: 1')).toThrow(
      /needs a pool with at least one problem other than/,
    );
  });

  it('perturbs scores at the configured rate, deterministically per problem and response', () => {
    const noisy = new BuiltinJudge({ errorRate: 0.3, seed: 1 });
    const again = new BuiltinJudge({ errorRate: 0.3, seed: 1 });
    let changed = 0;
    for (const p of problems) {
      const g = noisy.outcomeSync(asJudge(p), p.worked);
      expect(again.outcomeSync(asJudge(p), p.worked)).toEqual(g);
      if (g.k !== 5) {
        changed++;
        expect(g.rationale).toMatch(/simulated judge error: 5 -> [1-4]\)$/);
        expect(g.reward).toBe(((g.k as number) - 1) / 4);
      }
    }
    expect(changed / problems.length).toBeGreaterThan(0.18);
    expect(changed / problems.length).toBeLessThan(0.42);
    let flips = 0;
    for (let i = 0; i < 4000; i++) if (perturb(3, 0.18, `key-${i}`) !== 3) flips++;
    expect(flips / 4000).toBeGreaterThan(0.16);
    expect(flips / 4000).toBeLessThan(0.2);
    expect(perturb(3, 0, 'anything')).toBe(3);
    expect(() => new BuiltinJudge({ errorRate: 1.5 })).toThrow(/errorRate/);
  });

  it('matches checkpoints as an in-order subsequence', () => {
    expect(inOrderMatches(['96', '133', '128'], [133, 96, 128])).toEqual([1, 2]);
    expect(inOrderMatches(['17', '5', '17'], [17, 17])).toEqual([0, 2]);
    expect(inOrderMatches(['1'], [])).toEqual([]);
  });

  it('honours the abort signal and reports a parse status of ok', async () => {
    const judge = new BuiltinJudge();
    const ac = new AbortController();
    ac.abort();
    await expect(judge.outcome(example, worked, { signal: ac.signal })).rejects.toThrow();
    await expect(judge.process(example, worked, { signal: ac.signal })).rejects.toThrow();
    const g = await judge.outcome(example, 'garbage');
    expect(g.status).toBe('ok');
    expect(g.k).toBe(1);
  });

  it('builds an explicit rubric once per problem and an implicit one per call', () => {
    const explicit = new BuiltinJudge();
    const implicit = new BuiltinJudge();
    for (let i = 0; i < 3; i++) {
      explicit.outcomeSync(example, worked, { rubricMode: 'explicit' });
      implicit.processSync(example, worked, { rubricMode: 'implicit' });
    }
    expect(explicit.rubrics.builds).toBe(1);
    expect(implicit.rubrics.builds).toBe(3);
  });

  it('corruptions score below correct solutions on every family', () => {
    const judge = new BuiltinJudge();
    const rng = mulberry32(2);
    for (const p of problems.slice(0, 60)) {
      for (const kind of ['slip', 'logic'] as const) {
        expect(judge.outcomeSync(asJudge(p), TASK_FAMILIES[p.family].corrupt(p, rng, kind)).k).toBeLessThanOrEqual(3);
      }
    }
  });
});
