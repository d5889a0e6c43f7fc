// Tokenizer: round trips every task text, keeps its fixed ids, and names the character and position
// it cannot encode.
import { describe, expect, it } from 'vitest';
import { BOS_ID, EOS_ID, PAD_ID, TokenizerError, VOCAB_SIZE, decode, encode } from '../../src/model/tokenizer';
import { pretrainCorpus } from '../../src/tasks/splits';

describe('tokenizer', () => {
  it('round-trips the policy format with fixed ids', () => {
    expect([PAD_ID, BOS_ID, EOS_ID, VOCAB_SIZE]).toEqual([0, 1, 2, 99]);
    for (const doc of pretrainCorpus({ families: ['chain', 'carry', 'linear'] }, 30))
      expect(decode(encode(doc))).toBe(doc);
    expect(Array.from(encode('\n '))).toEqual([3, 4]);
    expect(decode([BOS_ID, ...encode('A: 5'), EOS_ID], true)).toBe('<bos>A: 5<eos>');
  });

  it('names the character and position it cannot encode', () => {
    expect(() => encode('ab\u00e9')).toThrow(TokenizerError);
    expect(() => encode('ab\u00e9')).toThrow(/"\u00e9" \(U\+00e9\) at position 2/);
  });
});
