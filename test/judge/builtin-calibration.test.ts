// Calibration with the built-in judge: the reference judge separates correct from incorrect responses
// far better than the no-reference judge, and a wrong reference is about chance. The `npm run judge`
// command itself is tested in test/cli/judge-cli.test.ts.
import { describe, expect, it } from 'vitest';
import { BuiltinJudge } from '../../src/judge/builtin';
import {
  calibrate,
  conditionProblem,
  formatCalibrationTable,
  generateCalibrationSet,
  isCorrect,
  parseCalibrationJsonl,
} from '../../src/judge/calibration';

describe('calibration', () => {
  it('generates a labelled mix of response kinds, deterministic per seed', () => {
    const set = generateCalibrationSet(50, 2);
    expect(set).toEqual(generateCalibrationSet(50, 2));
    expect(set.map((r) => r.kind).slice(0, 6)).toEqual(['correct', 'slip', 'logic', 'half', 'other', 'mimic']);
    // a mimic changes a step's digits, not its result: its answer stays right where a sum step allowed it
    const answerKept = (r: (typeof set)[number]) => r.response.endsWith(`A: ${r.answer}`);
    for (const r of set)
      expect(isCorrect(r)).toBe(r.kind === 'correct' || ((r.kind === 'other' || r.kind === 'mimic') && answerKept(r)));
    expect(set.filter((r) => r.kind === 'mimic' && r.response !== r.worked && answerKept(r)).length).toBeGreaterThan(0);
    expect(new Set(set.map((r) => r.id)).size).toBe(50);
    expect(() => generateCalibrationSet(1, 2)).toThrow(/at least 2 records/);
  });

  it('shows the reference judge beating the no-reference judge, and a wrong reference near chance', async () => {
    const records = generateCalibrationSet(400, 1);
    for (const errorRate of [0, 0.18]) {
      const stats = await calibrate(records, new BuiltinJudge({ errorRate, seed: 1 }), { process: true });
      console.log(formatCalibrationTable(stats, `built-in judge, error rate ${errorRate}, 400 generated records`));
      const [ref, none, wrong] = stats;
      expect(stats.map((s) => s.condition)).toEqual(['reference', 'no reference', 'wrong reference']);
      for (const s of stats) expect(s.graded + s.failed).toBe(400);
      expect(ref.positives).toBeGreaterThanOrEqual(80);
      expect(ref.error).toBeLessThan(none.error - 0.1);
      expect(none.error).toBeLessThan(wrong.error);
      expect(wrong.error).toBeGreaterThan(0.4);
      expect(ref.meanK.correct).toBeGreaterThan(ref.meanK.half);
      expect(ref.meanK.half).toBeGreaterThan(ref.meanK.other);
      if (errorRate === 0) {
        expect(ref.fnr).toBe(0);
        expect(ref.meanK.correct).toBe(5);
        expect(none.meanK.other).toBe(5); // valid arithmetic on the wrong problem fools it
      }
    }
  });

  it("shows the judge each condition's view of the problem", () => {
    const p = { id: 'a', question: 'Q: 1+2\n', reference: 'One and two make 3.', answer: '3', intermediates: ['3'] };
    const q = { id: 'b', question: 'Q: 5+5\n', reference: 'Ten.', answer: '10', intermediates: ['10'] };
    expect(conditionProblem(p, 'reference', [p, q])).toBe(p);
    expect(conditionProblem(p, 'no reference', [p, q])).toEqual({ id: 'a#noref', question: 'Q: 1+2\n', reference: '' });
    expect(conditionProblem(p, 'wrong reference', [p, q])).toEqual({
      id: 'b',
      question: 'Q: 1+2\n',
      reference: 'Ten.',
      answer: '10',
      intermediates: ['10'],
    });
  });

  it('parses calibration JSONL, reporting bad lines', () => {
    const text = [
      JSON.stringify({ question: 'Q', reference: 'R = 3', response: 'A: 3', correct: true, kind: 'k' }),
      '{oops',
      JSON.stringify({ question: 'Q', response: 'A: 3' }),
      '',
    ].join('\n');
    const r = parseCalibrationJsonl(text);
    expect(r.records).toHaveLength(1);
    expect(r.records[0]).toMatchObject({ correct: true, kind: 'k', id: 'line-1' });
    expect(r.errors.map((e) => e.line)).toEqual([2, 3]);
    expect(r.errors[1].reason).toBe('missing or non-string field reference');
  });

  it('reports optional fields of the wrong type instead of ignoring them, and reads past a byte-order mark', () => {
    const base = { question: 'Q', reference: 'R = 3', response: 'A: 3' };
    const rows = [
      { ...base, correct: 'yes' }, // would otherwise fall back to the answer checker without a word
      { ...base, answer: null },
      { ...base, kind: 3 },
      { ...base, intermediates: [1, { x: 2 }] },
      { ...base, id: ['a'] },
      5,
      ['a'],
      { ...base, answer: 3, id: 7, intermediates: [1, '3'], correct: false },
    ];
    const r = parseCalibrationJsonl('\uFEFF' + rows.map((x) => JSON.stringify(x)).join('\n'));
    expect(r.errors).toEqual([
      { line: 1, reason: 'field "correct" is not true or false' },
      { line: 2, reason: 'field "answer" is not a string or number' },
      { line: 3, reason: 'field "kind" is not a string' },
      { line: 4, reason: 'field "intermediates" is not a list of strings or numbers' },
      { line: 5, reason: 'field "id" is not a string or number' },
      { line: 6, reason: 'not a JSON object' },
      { line: 7, reason: 'not a JSON object' },
    ]);
    expect(r.records).toEqual([
      { ...base, answer: '3', id: '7', intermediates: ['1', '3'], correct: false, kind: undefined },
    ]);
    expect(parseCalibrationJsonl('\uFEFF' + JSON.stringify(base)).records).toHaveLength(1);
  });
});
