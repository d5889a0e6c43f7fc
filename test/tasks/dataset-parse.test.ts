// Dataset import: the whole shared GSM8K test file with every line accounted for, and a malformed
// sample whose bad lines come back with their numbers and reasons.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gsm8kFinal, parseDataset, stripCalculatorNotes } from '../../src/tasks/dataset-parse';

const GSM8K = fileURLToPath(new URL('../../../shared/data/gsm8k/test.jsonl', import.meta.url));

describe('dataset import', () => {
  it('reads the whole GSM8K test file, every line accounted for', () => {
    const text = readFileSync(GSM8K, 'utf8');
    const nonEmpty = text.split('\n').filter((l) => l.trim() !== '').length;
    const r = parseDataset(text, 'gsm8k');
    expect(nonEmpty).toBe(1319);
    expect(r.lines).toBe(nonEmpty);
    expect(r.problems.length + r.errors.length).toBe(nonEmpty);
    expect(r.errors).toEqual([]);
    for (const p of r.problems) {
      expect(p.reference).not.toMatch(/<<|>>/);
      expect(p.answer, `line ${p.line}`).toMatch(/^-?\d+(\.\d+)?$/);
      expect(p.reference).toContain('#### ');
    }
    const first = r.problems[0];
    expect(first).toMatchObject({ id: 'gsm8k:1', line: 1, answer: '18' });
    expect(first.reference).toBe(
      'Janet sells 16 - 3 - 4 = 9 duck eggs a day.\nShe makes 9 * 2 = $18 every day at the farmer\u2019s market.\n#### 18',
    );
    // curly quotes and the like are kept for the judge and reported, not refused
    expect(r.warnings.length).toBeGreaterThan(0);
    expect(r.warnings[0]).toMatchObject({ line: 1 });
    expect(r.warnings[0].reason).toMatch(/U\+2019.*kept for judge use/);
    console.log(
      `GSM8K import: ${r.lines} lines, ${r.problems.length} problems, ${r.errors.length} errors, ` +
        `${new Set(r.warnings.map((w) => w.line)).size} lines with characters the tokenizer cannot encode`,
    );
  });

  it('reports malformed lines by number and reason and keeps the good ones', () => {
    const lines = [
      '{"question": "What is 2+3?", "reference": "Two and three make 5.", "final": "5"}', // 1 ok
      '', // blank: not counted
      '{"question": "Half of 10?", "answer": "Half of 10 is 10/2 = <<10/2=5>>5.\\n#### 5"}', // 3 ok (GSM8K style)
      '{"question": "bad json", ', // 4
      '["not", "an", "object"]', // 5
      '{"reference": "no question"}', // 6
      '{"question": "   ", "reference": "x"}', // 7
      '{"question": "Only an answer", "answer": "7"}', // 8
      '{"question": "No solution at all"}', // 9
      '{"question": "Solution field", "solution": "Add 1 and 1 to get 2.", "answer": "2", "id": "s1"}', // 10 ok
      '{"question": 42, "reference": "x"}', // 11
      '{"question": "Thousands", "reference": "It is 1,000.\\n#### 1,000"}', // 12 ok
      '{"question": "Caf\u00e9 bill?", "reference": "Pay 3 = 3"}', // 13 ok with a warning
    ];
    const r = parseDataset(lines.join('\r\n'), 'sample');
    expect(r.lines).toBe(12);
    expect(r.problems.map((p) => p.line)).toEqual([1, 3, 10, 12, 13]);
    expect(r.problems.length + r.errors.length).toBe(r.lines);
    const reasons = Object.fromEntries(r.errors.map((e) => [e.line, e.reason]));
    expect(reasons[4]).toMatch(/^bad JSON/);
    expect(reasons[5]).toBe('not a JSON object');
    expect(reasons[6]).toBe('missing field "question"');
    expect(reasons[7]).toBe('empty question');
    expect(reasons[8]).toMatch(/"answer" has no "#### <final answer>" line/);
    expect(reasons[9]).toMatch(/missing field: "reference", "solution" or "answer"/);
    expect(reasons[11]).toBe('field "question" is not a string');
    expect(r.problems[0]).toMatchObject({ id: 'sample:1', answer: '5', reference: 'Two and three make 5.' });
    expect(r.problems[1]).toMatchObject({ answer: '5', reference: 'Half of 10 is 10/2 = 5.\n#### 5' });
    expect(r.problems[2]).toMatchObject({ id: 's1', answer: '2' });
    expect(r.problems[3].answer).toBe('1000');
    expect(r.warnings).toEqual([
      { line: 13, reason: expect.stringMatching(/^no final answer/) }, // "Pay 3 = 3" has no final field or #### line
      {
        line: 13,
        reason: expect.stringMatching(/question: cannot encode character "\u00e9" \(U\+00e9\) at position 3/),
      },
    ]);
  });

  it('reads a file that starts with a byte-order mark', () => {
    const r = parseDataset('\uFEFF{"question": "1+1?", "reference": "One and one make 2.", "final": "2"}\n', 'bom');
    expect(r.errors).toEqual([]);
    expect(r.problems).toMatchObject([{ id: 'bom:1', question: '1+1?', answer: '2' }]);
  });

  it('strips calculator notes and reads the #### line', () => {
    expect(stripCalculatorNotes('2/2=<<2/2=1>>1 bolt')).toBe('2/2=1 bolt');
    expect(gsm8kFinal('x\n#### 70000')).toBe('70000');
    expect(gsm8kFinal('#### -3.50')).toBe('-3.5');
    expect(gsm8kFinal('no final')).toBeNull();
  });
});
