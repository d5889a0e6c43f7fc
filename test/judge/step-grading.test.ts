// The built-in judge grades the step, not the number: a step establishes a checkpoint only when it
// is the reference's step at its place. Also its per-step agreement with the verifier.
import { describe, it, expect } from 'vitest';
import { BuiltinJudge } from '../../src/judge/builtin';
import { gradeSegmentBySteps } from '../../src/judge/step-grading';
import { stepAgreement } from '../../src/judge/step-agreement';
import { generateCalibrationSet, stepRecords } from '../../src/judge/calibration';
import { hardProblems } from '../../src/tasks/splits';
import { judgeProblem } from '../../src/run/scorers';

describe('grading by steps', () => {
  const steps = ['6+4=10', '6+1+1=8', '1+9=10', '6+1+1=8', '6+1=7'];
  it('a true step with the right result on the wrong digits does not establish it', () => {
    expect(gradeSegmentBySteps(steps, '78081', '### 1+9=10\n').k).toBe(5);
    expect(gradeSegmentBySteps(steps, '78081', '### 0+8=8\n').k).toBe(2); // the old demo's 5/5 step
    expect(gradeSegmentBySteps(steps, '78081', '### 2+8=10\n').k).toBe(2); // right number, not a reference step
    expect(gradeSegmentBySteps(steps, '78081', '### 1+9=11\n').k).toBe(1);
    expect(gradeSegmentBySteps(['A6+a4+0=10', 'B6+b1+1=08', 'C1+c9+0=10'], '1080', '### C0+c8+0=08\n')).toMatchObject({
      k: 1,
    });
    expect(gradeSegmentBySteps(steps, '78081', 'A: 78081').k).toBe(5);
    expect(gradeSegmentBySteps(steps, '78081', 'A: 78080').k).toBe(1);
  });

  it('the judge uses the steps of a generated problem, for Outcome and Process', () => {
    const [p] = hardProblems({ indexHints: 'shuffled' as const, hardSteps: [5, 5], nTrain: 10, nEval: 5 }, 'eval', 1);
    const j = new BuiltinJudge();
    const lines = p.worked.split('\n');
    const c = lines[2].replace(/^### ([A-H])(\d)\+([a-h])(\d)/, (_, A, x, a, y) => `### ${A}${y}+${a}${x}`); // same digits swapped: still the step
    expect(
      j.processSync(judgeProblem(p), [...lines.slice(0, 2), c, ...lines.slice(3)].join('\n')).grades.map((g) => g.k),
    ).toEqual([5, 5, 5, 5, 5, 5]);
    const wrong = lines.map((l, i) =>
      i === 2
        ? l.replace(
            /^### ([A-H])\d\+([a-h])\d\+(\d)=(\d\d)$/,
            (_, A, a, k, v) => `### ${A}${Math.min(9, Number(v) - Number(k))}+${a}0+${k}=${v}`,
          )
        : l,
    );
    if (wrong[2] !== lines[2]) expect(j.processSync(judgeProblem(p), wrong.join('\n')).grades[2].k).toBe(1);
    expect(j.outcomeSync(judgeProblem(p), lines.slice(0, 3).join('\n')).rationale).toMatch(
      /established 3 of 5 steps in order/,
    );
  });

  it('agrees with the verifier on every step of the hinted world with the reference, and not without it', async () => {
    const records = generateCalibrationSet(60, 1, ['carry']).map((r) => r); // the default world (no hints)
    const j = new BuiltinJudge();
    const withRef = await stepAgreement(stepRecords(records, 'reference'), j);
    const noRef = await stepAgreement(stepRecords(records, 'no reference'), j);
    expect(withRef.steps).toBeGreaterThan(100);
    expect(withRef.recall).toBe(1);
    expect(withRef.error).toBeLessThan(0.05);
    expect(noRef.error).toBeGreaterThan(0.3); // without the reference it can only check the arithmetic
  });
});
