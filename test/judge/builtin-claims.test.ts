// What the built-in judge reads in a text: numbers (commas, signs, decimals), arithmetic claims
// checked with precedence, and stated results; and how responses are cut into segments.
import { describe, expect, it } from 'vitest';
import { findClaims, statedResults } from '../../src/judge/claims';
import { segmentStarts, splitSegments } from '../../src/judge/segments';
import { normalizeNumber, sameNumber, scanNumbers } from '../../src/tasks/numbers';

describe('numbers', () => {
  it('scans thousands, decimals and signs only where a minus cannot be an operator', () => {
    expect(scanNumbers('80,000+50,000=$130,000').map((n) => n.value)).toEqual([80000, 50000, 130000]);
    expect(scanNumbers('133-5=128').map((n) => n.value)).toEqual([133, 5, 128]);
    expect(scanNumbers('16 - 3 - 4 = 9').map((n) => n.value)).toEqual([16, 3, 4, 9]);
    expect(scanNumbers('x = -3, then (-2)').map((n) => n.value)).toEqual([-3, -2]);
    expect(scanNumbers('16, 3 and 4; 1,2345 and 2.5.').map((n) => n.value)).toEqual([16, 3, 4, 1, 2345, 2.5]);
    expect(normalizeNumber('$1,000.')).toBe('1000');
    expect(normalizeNumber('2.50')).toBe('2.5');
    expect(normalizeNumber('12 apples')).toBeNull();
    expect(sameNumber('0.1', 0.1)).toBe(true);
    expect(sameNumber('7', '8')).toBe(false);
  });
});

describe('claims', () => {
  it('finds and checks arithmetic claims', () => {
    const got = findClaims('### 96+37=134\n### 134-5=129\nA: 129').map((c) => [c.text, c.ok]);
    expect(got).toEqual([
      ['96+37=134', false],
      ['134-5=129', true],
    ]);
    const gsm = findClaims('Janet sells 16 - 3 - 4 = 9 duck eggs.\nShe makes 9 * 2 = $18 a day, 80,000*1.5=120,000');
    expect(gsm.map((c) => [c.lhs, c.rhs, c.ok])).toEqual([
      [9, 9, true],
      [18, 18, true],
      [120000, 120000, true],
    ]);
  });

  it('uses precedence, parentheses, "x" between numbers and the written precision', () => {
    expect(findClaims('2+3*4=14').map((c) => c.ok)).toEqual([true]);
    expect(findClaims('(2+3)*4=20, 3 x 4 = 12, 10/3=3.33, 7/2=3').map((c) => c.ok)).toEqual([true, true, true, false]);
    expect(findClaims('(so 3+4=7) then 2*5=11').map((c) => [c.text, c.ok])).toEqual([
      ['3+4=7', true],
      ['2*5=11', false],
    ]);
  });

  it('does not read fragments, variables or expressions on the right as claims', () => {
    expect(findClaims('Q: x*3+5*2-4=42')).toEqual([]); // the equation of a linear problem
    expect(findClaims('x = 7, 16 eggs - 3 = 13')).toEqual([]);
    expect(findClaims('3+4 = 2+5')).toEqual([]);
    expect(findClaims('5/0=1')).toEqual([]);
  });

  it('lists stated results in order, falling back to non-given numbers for prose', () => {
    expect(statedResults('### 96+37=133\nA: 128').map((v) => [v.value, v.source])).toEqual([
      [133, 'equals'],
      [128, 'answer'],
    ]);
    expect(statedResults('A: x = 6').map((v) => v.value)).toEqual([6]); // one result, not two
    const prose = 'Double 48 and add 37 to get 133; take away 5: the answer is 128.';
    expect(statedResults(prose, [48, 2, 37, 5]).map((v) => v.value)).toEqual([133, 128]);
    expect(statedResults('Let us think.', [])).toEqual([]);
  });
});

describe('segments', () => {
  it('cut at the delimiter and before the answer line; pieces concatenate back; an empty preamble joins the first step', () => {
    const r = '### 48*2=96\n### 96+37=133\nA: 133';
    expect(splitSegments(r)).toEqual(['### 48*2=96\n', '### 96+37=133\n', 'A: 133']);
    expect(segmentStarts(splitSegments(r))).toEqual([0, 12, 26]);
    expect(splitSegments(r, '###', null)).toEqual(['### 48*2=96\n', '### 96+37=133\nA: 133']); // the answer inside the last step
    expect(splitSegments('Plan.\n### a\n### b')).toEqual(['Plan.\n', '### a\n', '### b']);
    expect(splitSegments('  \n### a')).toEqual(['  \n### a']);
    expect(splitSegments('no steps')).toEqual(['no steps']);
    expect(splitSegments('A: 5')).toEqual(['A: 5']); // an answer alone is one segment
    expect(splitSegments('### 1+2=3\nN/A')).toEqual(['### 1+2=3\n', 'N/A']); // stopping is graded apart from the step
    expect(splitSegments('### 1+2=3\nN/AB')).toEqual(['### 1+2=3\n', 'N/AB']);
    expect(splitSegments('### 1+2=3 N/A')).toEqual(['### 1+2=3 N/A']);
    expect(splitSegments('\nA: 5')).toEqual(['\nA: 5']); // a blank preamble joins it
    expect(splitSegments('### x=A: 1\nA: 2')).toEqual(['### x=A: 1\n', 'A: 2']); // only at a line start
    expect(splitSegments('')).toEqual(['']);
    expect(splitSegments('a|b', '|')).toEqual(['a', '|b']);
    for (const t of [r, 'x###y######z', '###', '### 1\nA: 1\nA: 2']) expect(splitSegments(t).join('')).toBe(t);
  });
});
