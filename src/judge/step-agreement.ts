// How far a judge's per-step grades agree with the verifier, which knows the truth of every step of a
// generated problem: each step segment of a response is "right" when it is the reference's step at
// its place (operands and result, true arithmetic), and the judge "says right" when it gives k >= 4.
// Reported as the paper reports its judge: precision, recall, FNR, FPR and (FNR+FPR)/2.

import { parseStep, referenceSteps, sameStep, stepLines } from '../tasks/verifier';
import type { Judge, JudgeOptions, JudgeProblem } from './types';

export interface StepAgreement {
  steps: number; // step segments graded (with a parsed grade)
  failed: number; // step segments whose grade did not parse
  right: number; // of them, right by the verifier
  tp: number; // right, judge k >= 4
  fp: number; // wrong, judge k >= 4
  fn: number; // right, judge k < 4
  tn: number; // wrong, judge k < 4
  precision: number;
  recall: number;
  fnr: number;
  fpr: number;
  error: number; // (fnr + fpr) / 2
}

export interface StepRecord {
  problem: JudgeProblem;
  worked: string; // the reference's steps in the policy format (the verifier's truth)
  response: string;
}

/** Whether the i-th step line of a response is the reference's step at its place. */
export function stepIsRight(worked: string, line: string, index: number): boolean {
  const ref = referenceSteps({ worked });
  const s = parseStep(line);
  if (!s || !s.holds) return false;
  const at = s.column ?? index;
  return at >= 0 && at < ref.length && sameStep(s, ref[at], at);
}

/** Grades every record's segments with `judge` and counts agreement on the segments that hold one step. */
export async function stepAgreement(
  records: StepRecord[],
  judge: Judge,
  opts: Partial<JudgeOptions> = {},
): Promise<StepAgreement> {
  const c = { steps: 0, failed: 0, right: 0, tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const r of records) {
    const pg = await judge.process(r.problem, r.response, opts);
    let index = 0;
    pg.segments.forEach((seg, i) => {
      const lines = stepLines(seg);
      if (lines.length !== 1) return; // the preamble, the answer line, or a segment of several steps
      const right = stepIsRight(r.worked, lines[0], index++);
      const k = pg.grades[i]?.k;
      if (k === null || k === undefined) return void c.failed++;
      c.steps++;
      if (right) c.right++;
      if (k >= 4) right ? c.tp++ : c.fp++;
      else right ? c.fn++ : c.tn++;
    });
  }
  const div = (a: number, b: number) => (b > 0 ? a / b : NaN);
  const fnr = div(c.fn, c.tp + c.fn),
    fpr = div(c.fp, c.fp + c.tn);
  return { ...c, precision: div(c.tp, c.tp + c.fp), recall: div(c.tp, c.tp + c.fn), fnr, fpr, error: (fnr + fpr) / 2 };
}

const pct = (x: number) => (Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(1)}%`);

/** One table row per judge setting. */
export function formatStepAgreement(rows: { label: string; a: StepAgreement }[]): string {
  const w = Math.max(28, ...rows.map((r) => r.label.length + 2));
  const head = `${'judge'.padEnd(w)}  steps  right  precision  recall     FNR     FPR  (FNR+FPR)/2`;
  return [
    head,
    ...rows.map(
      ({ label, a }) =>
        `${label.padEnd(w)}${String(a.steps).padStart(7)}${String(a.right).padStart(7)}${pct(a.precision).padStart(11)}${pct(a.recall).padStart(8)}` +
        `${pct(a.fnr).padStart(8)}${pct(a.fpr).padStart(8)}${pct(a.error).padStart(13)}`,
    ),
  ].join('\n');
}
