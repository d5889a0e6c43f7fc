// The sparse correctness reward: the final `A:` (or `####`) line decides, numerically.
import { describe, expect, it } from 'vitest';
import { answersMatch, extractAnswer, sparseReward } from '../../src/tasks/checker';

const problem = { answer: '128' };

describe('sparse reward', () => {
  it('reads the final answer line', () => {
    expect(extractAnswer('### 48*2=96\n### 96+37=133\n### 133-5=128\nA: 128')).toBe('128');
    expect(extractAnswer('A: 5\n### more\nA: 7')).toBe('7'); // the last one counts
    expect(extractAnswer('She makes $18.\n#### 18')).toBe('18');
    expect(extractAnswer('A: $1,000.')).toBe('1000');
    expect(extractAnswer('A: x = 6')).toBe('6');
    expect(extractAnswer('A: -3')).toBe('-3');
    expect(extractAnswer('A: 18 dollars')).toBe('18');
    expect(extractAnswer('A: blue')).toBe('blue');
    expect(extractAnswer('### 48*2=96\n### 96+37=133\n')).toBeNull(); // unfinished
    expect(extractAnswer('A:   \n')).toBeNull();
    expect(extractAnswer('The answer is 128.')).toBeNull(); // prose is not an answer line
    expect(extractAnswer('xA: 128')).toBeNull(); // only at the start of a line
  });

  it('gives 1 exactly when the stated answer matches', () => {
    expect(sparseReward(problem, '### 133-5=128\nA: 128')).toBe(1);
    expect(sparseReward(problem, 'A: 128.0')).toBe(1);
    expect(sparseReward(problem, 'A: 0128')).toBe(1);
    expect(sparseReward(problem, '### 133-5=127\nA: 127')).toBe(0);
    expect(sparseReward(problem, '### 133-5=128\n')).toBe(0); // the right number without an answer line
    expect(sparseReward(problem, 'A: 1280')).toBe(0);
    expect(sparseReward(problem, '')).toBe(0);
  });

  it('matches numbers numerically and text case-insensitively', () => {
    expect(answersMatch('2.50', '2.5')).toBe(true);
    expect(answersMatch('1,000', '1000')).toBe(true);
    expect(answersMatch('Blue ', 'blue')).toBe(true);
    expect(answersMatch(null, '1')).toBe(false);
    expect(answersMatch('3', '-3')).toBe(false);
  });
});
