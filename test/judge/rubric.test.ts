// Rubrics: checkpoints from known intermediates or read from a reference (GSM8K included), capped at
// six, ending with the final answer; explicit mode builds once per problem, implicit every call.
import { describe, expect, it } from 'vitest';
import { RubricCache, buildRubric, capCheckpoints, extractCheckpoints, referenceFinal } from '../../src/judge/rubric';

describe('rubric', () => {
  it('caps evenly, keeping the first and the last', () => {
    expect(capCheckpoints(['1', '2', '3'])).toEqual(['1', '2', '3']);
    expect(capCheckpoints(['1', '2', '3', '4', '5', '6', '7', '8'])).toEqual(['1', '2', '4', '5', '7', '8']);
  });

  it('reads a GSM8K reference: = results in order, calculator notes ignored, final answer last', () => {
    const ref =
      'Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\nShe makes 9 * 2 = $<<9*2=18>>18 every day.\n#### 18';
    expect(extractCheckpoints('Janet\u2019s ducks lay 16 eggs...', ref)).toEqual({
      checkpoints: ['9', '18'],
      finalAnswer: '18',
    });
    const house =
      'The cost came to 80,000+50,000=$130,000\nHe increased it by 80,000*1.5=120,000\n' +
      'So the new value is 120,000+80,000=$200,000\nSo he made 200,000-130,000=$70,000\n#### 70000';
    expect(extractCheckpoints('...', house).checkpoints).toEqual(['130000', '120000', '200000', '70000']);
  });

  it('reads prose references: results are the numbers that are not givens', () => {
    const r = extractCheckpoints('Q: 48*2+37-5\n', 'Double 48 and add 37 to get 133. Take away 5: the answer is 128.');
    expect(r).toEqual({ checkpoints: ['133', '128'], finalAnswer: '128' });
    expect(extractCheckpoints('Q', 'It is 4, then 6.', '7')).toEqual({
      checkpoints: ['4', '6', '7'],
      finalAnswer: '7',
    });
    expect(referenceFinal('so x = 6.')).toBe('6');
    expect(referenceFinal('no numbers')).toBeUndefined();
  });

  it("uses the generator's intermediates, stated or not, when the problem has them", () => {
    const p = {
      id: 'chain-1',
      question: 'Q: 48*2+37-5\n',
      reference: 'Double 48 and add 37 to get 133. Take away 5: the answer is 128.',
      answer: '128',
      intermediates: ['96', '133', '128'],
    };
    expect(buildRubric(p)).toEqual({ problemId: 'chain-1', checkpoints: ['96', '133', '128'], finalAnswer: '128' });
  });

  it('explicit mode builds once per problem (id and texts), implicit rebuilds on every call', () => {
    const p = { id: 'p1', question: 'Q', reference: 'a = 3, b = 5. #### 5' };
    const explicit = new RubricCache();
    const r1 = explicit.get(p, 'explicit');
    expect(explicit.get(p, 'explicit')).toBe(r1);
    expect(explicit.get({ ...p }, 'explicit')).toBe(r1); // the same problem, another object
    expect(explicit.builds).toBe(1);
    // the same id with another reference is another rubric, never the cached one
    const r3 = explicit.get({ ...p, reference: 'changed = 9' }, 'explicit');
    expect(r3).not.toBe(r1);
    expect(r3.checkpoints).toEqual(['9']);
    expect(explicit.builds).toBe(2);
    expect(explicit.size).toBe(2);
    const implicit = new RubricCache();
    implicit.get(p, 'implicit');
    const r2 = implicit.get({ ...p, reference: 'changed = 9' }, 'implicit');
    expect(implicit.builds).toBe(2);
    expect(implicit.size).toBe(0);
    expect(r2.checkpoints).toEqual(['9']);
  });
});
