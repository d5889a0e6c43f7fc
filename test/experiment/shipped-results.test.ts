// The results files shipped under public/results/ (the README's figures come from them) recompute from
// their own per-sample grades: every pass@k from the per-problem counts by the unbiased estimator, the
// verifier's figures from each sample's steps right in order, the judge score from each sample's
// Likert score (a truncated sample counting 0), and the mean ± 95% interval of every table row; the
// README's verdict table quotes them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkResultsFile, meanCi, resultsMarkdown } from '../../src/experiment/results';
import type { EvalResult } from '../../src/run/eval-job';

const DIR = 'public/results';
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json'));

/** 1 - C(n-c, k) / C(n, k), as a product (no large binomials). */
function passAt(n: number, c: number, k: number): number {
  if (n - c < k) return 1;
  let q = 1;
  for (let i = n - c + 1; i <= n; i++) q *= 1 - k / i;
  return 1 - q;
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (x: number) => (100 * x).toFixed(1);

describe('shipped results files', () => {
  it('there are some', () => {
    expect(FILES).toContain('paper-toy-3-seeds.json');
    expect(FILES).toContain('demo-3-seeds.json');
  });

  for (const f of FILES)
    it(`${f}: every figure recomputes from its per-sample grades`, () => {
      const r = checkResultsFile(JSON.parse(readFileSync(join(DIR, f), 'utf8')));
      expect(r.complete).toBe(true);
      for (const c of r.cells) {
        const e = c.eval!;
        const where = `${c.arm} ${c.stage} seed ${c.seed}`;
        expect(e, where).toBeDefined();
        const g = e.perProblem;
        expect(g.length, where).toBe(r.options.eval.problems);
        for (const [k, v] of Object.entries(e.passAt))
          expect(v, `${where} pass@${k}`).toBeCloseTo(mean(g.map((p) => passAt(e.n, p.c, Number(k)))), 12);
        expect(e.passAt1).toBe(e.passAt['1']);
        expect(e.passAtK).toBe(e.passAt[String(e.k)]);
        const samples = g.flatMap((p) => p.inOrder.map((x, i) => ({ p, x, i })));
        expect(samples.length, where).toBe(g.length * e.n);
        expect(e.stepsInOrder!, where).toBeCloseTo(mean(samples.map(({ p, x }) => x / p.steps)), 12);
        expect(e.allSteps!, where).toBeCloseTo(mean(samples.map(({ p, x }) => (x === p.steps ? 1 : 0))), 12);
        const judged = samples.filter(({ p, i }) => p.judgeK[i] !== null);
        const score = judged.map(({ p, i }) => (p.truncated[i] ? 0 : ((p.judgeK[i] as number) - 1) / 4));
        expect(e.judgeScore!, where).toBeCloseTo(mean(score), 12);
        expect(e.judgeFailures, where).toBe(samples.length - judged.length);
      }
    });

  it('paper-toy-3-seeds.json: its table rows are the mean ± 95% interval of the seeds', () => {
    const r = checkResultsFile(JSON.parse(readFileSync(join(DIR, 'paper-toy-3-seeds.json'), 'utf8')));
    const md = resultsMarkdown(r);
    for (const arm of r.options.arms)
      for (const stage of ['stage1', 'stage2'] as const) {
        const cells = r.cells.filter((c) => c.arm === arm && c.stage === stage);
        expect(cells.map((c) => c.seed).sort()).toEqual([1, 2, 3]);
        const p16 = meanCi(cells.map((c) => c.eval!.passAt['16']));
        expect(md).toContain(`${pct(p16.mean)} ± ${pct(p16.half)}`);
      }
  });

  it("the README's verdict table quotes these files", () => {
    const readme = readFileSync('README.md', 'utf8');
    const quoted = (file: string, stage: 'stage1' | 'stage2', arms: string[], pick: (e: EvalResult) => number) => {
      const r = checkResultsFile(JSON.parse(readFileSync(join(DIR, file), 'utf8')));
      for (const arm of arms) {
        const ci = meanCi(r.cells.filter((c) => c.arm === arm && c.stage === stage).map((c) => pick(c.eval!)));
        expect(readme, `${file} ${arm} ${stage}`).toContain(`${pct(ci.mean)} ± ${pct(ci.half)}%`);
      }
    };
    quoted('paper-toy-3-seeds.json', 'stage1', ['base', 'grpo', 'process'], (e) => e.passAt['16']);
    quoted('paper-toy-3-seeds.json', 'stage2', ['base', 'grpo', 'process'], (e) => e.passAt['16']);
    quoted(
      'demo-3-seeds.json',
      'stage1',
      ['grpo', 'process', 'no-reference', 'wrong-reference'],
      (e) => e.stepsInOrder!,
    );
  });
});
