// The rule that stops a run on a judge outage: a fatal setup, every grade of a step failing, or
// failures past the allowed share; below it failures are only counted, by cause, once per verdict.
import { describe, expect, it } from 'vitest';
import {
  checkGrades,
  curveFailures,
  failureShare,
  failureValues,
  formatCauses,
  tally,
  verdictsOf,
} from '../../src/run/grade-failures';
import type { VerdictDetail } from '../../src/run/scorers';

const ok: VerdictDetail = { k: 4, reward: 0.75, status: 'ok', rationale: '' };
const fail = (cause: string): VerdictDetail => ({ k: null, reward: null, status: 'error', rationale: '', cause });

describe('grade failures', () => {
  it('counts each verdict once (the measured verdict is often the trained one) and by cause', () => {
    const t = fail('timeout');
    expect(verdictsOf({ outcome: t, measured: t })).toHaveLength(1);
    const noScore: VerdictDetail = { ...ok, status: 'no-score', k: null, reward: null };
    const counts = tally([ok, t, fail('timeout'), noScore]);
    expect(counts).toEqual({ graded: 4, failed: 3, byCause: { timeout: 2, 'no-score': 1 } });
    expect(formatCauses(counts.byCause)).toBe('timeout 2, no-score 1');
    expect(failureValues(counts)).toEqual({
      'judge/failures': 3,
      'judge/failures/timeout': 2,
      'judge/failures/no-score': 1,
    });
    expect(failureShare(counts)).toEqual({ 'judge/failure_share': 0.75 });
    expect(failureShare(tally([ok, ok]))).toEqual({ 'judge/failure_share': 0 }); // graded, none failed: a point at 0
    expect(failureShare(tally([]))).toEqual({}); // no grade asked for: no point
    expect(curveFailures([{ values: failureValues(counts) }, { values: { 'judge/failures/timeout': 1 } }])).toEqual({
      timeout: 3,
      'no-score': 1,
    });
  });

  it('stops on a fatal line, on a step whose grades all failed, and past the share', () => {
    const policy = { maxFailureShare: 0.5 };
    expect(() => checkGrades(tally([ok, fail('timeout')]), policy, 'step 3')).not.toThrow();
    expect(() => checkGrades(tally([fail('http-500'), fail('http-500')]), policy, 'step 3')).toThrow(
      /^every grade of step 3 failed \(2: http-500 2\)/,
    );
    expect(() => checkGrades(tally([ok, fail('timeout'), fail('rubric')]), policy, 'step 3')).toThrow(
      /^2 of 3 grades of step 3 failed .*allowed share 0.5/,
    );
    expect(() => checkGrades(tally([ok]), { ...policy, fatal: () => 'cannot connect' }, 'step 3')).toThrow(
      /^cannot connect$/,
    );
    expect(() => checkGrades(tally([]), policy, 'step 3')).not.toThrow();
  });
});
