// Judge failures of one step (an RL step or an evaluation batch): every failed verdict counted by its
// cause (http-401, timeout, rubric, no-score, ...), and the rule that stops a run when the judge is
// out: a fatal setup, every grade of the step failing, or failures past the allowed share. A step
// that breaks the rule rejects before it changes anything (no update, no counts, no metric point),
// so its cell stays resumable and a rerun redoes it.

import type { ScoreDetail, VerdictDetail } from './scorers';

/** Failed grades by cause. */
export type FailureCounts = Record<string, number>;

export interface GradeTally {
  graded: number; // verdicts the step asked for
  failed: number;
  byCause: FailureCounts;
}

/** When a step's grades stop the run. */
export interface GradePolicy {
  maxFailureShare: number; // in [0, 1]: a step with a larger share of failed grades stops the run
  fatal?: () => string | undefined; // the judge's fatal line (wrong key, no server, ...), once it met one
}

/** The default share: half the grades of a step failing means the judge, not the policy, is the problem. */
export const DEFAULT_MAX_FAILURE_SHARE = 0.5;

export class JudgeOutageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JudgeOutageError';
  }
}

/** The distinct verdicts of a scorer's detail (the measured verdict is often the trained one). */
export function verdictsOf(detail: unknown): VerdictDetail[] {
  const d = (detail ?? {}) as ScoreDetail;
  const all = [d.outcome, ...(d.segments ?? []).map((s) => s.verdict), d.measured].filter(
    (v): v is VerdictDetail => v !== undefined,
  );
  return [...new Set(all)];
}

export function tally(verdicts: { status: string; cause?: string }[]): GradeTally {
  const t: GradeTally = { graded: verdicts.length, failed: 0, byCause: {} };
  for (const v of verdicts) {
    if (v.status === 'ok') continue;
    t.failed++;
    const cause = v.cause ?? v.status;
    t.byCause[cause] = (t.byCause[cause] ?? 0) + 1;
  }
  return t;
}

/** "timeout 3, no-score 1", largest first. */
export function formatCauses(byCause: FailureCounts): string {
  return Object.entries(byCause)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
}

export function addCounts(into: FailureCounts, from: FailureCounts): FailureCounts {
  for (const [c, n] of Object.entries(from)) into[c] = (into[c] ?? 0) + n;
  return into;
}

export const sumCounts = (c: FailureCounts): number => Object.values(c).reduce((a, b) => a + b, 0);

/** Throws JudgeOutageError when the step's grades say the judge is out; `what` names the step. */
export function checkGrades(t: GradeTally, policy: GradePolicy, what: string): void {
  const fatal = policy.fatal?.();
  if (fatal !== undefined) throw new JudgeOutageError(fatal);
  if (t.graded === 0 || t.failed === 0) return;
  const causes = formatCauses(t.byCause);
  if (t.failed === t.graded)
    throw new JudgeOutageError(
      `every grade of ${what} failed (${t.failed}: ${causes}): the judge is down or cannot grade these prompts`,
    );
  if (t.failed / t.graded > policy.maxFailureShare) {
    throw new JudgeOutageError(
      `${t.failed} of ${t.graded} grades of ${what} failed (${causes}), more than the allowed share ${policy.maxFailureShare}`,
    );
  }
}

/** A step's metric values for its failures: the total and one value per cause (none when nothing failed). */
export function failureValues(t: GradeTally): Record<string, number> {
  if (t.failed === 0) return {};
  return {
    'judge/failures': t.failed,
    ...Object.fromEntries(Object.entries(t.byCause).map(([c, n]) => [`judge/failures/${c}`, n])),
  };
}

/** A step's share of failed grades (nothing when it asked for no grade): where a judge's trouble shows per step. */
export function failureShare(t: GradeTally): Record<string, number> {
  return t.graded > 0 ? { 'judge/failure_share': t.failed / t.graded } : {};
}

/** The failures by cause a training curve recorded (the per-cause values of its points). */
export function curveFailures(curve: { values: Record<string, number> }[]): FailureCounts {
  const out: FailureCounts = {};
  for (const p of curve) {
    for (const [k, v] of Object.entries(p.values))
      if (k.startsWith('judge/failures/') && Number.isFinite(v)) out[k.slice(15)] = (out[k.slice(15)] ?? 0) + v;
  }
  return out;
}
