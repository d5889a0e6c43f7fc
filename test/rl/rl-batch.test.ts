// Layout of sampled sequences for the loss: the padded length and its bound, the placement of response tokens, and the mapping of a
// judge's text offsets to token indices when a response holds special tokens (which decode to nothing).
import { describe, it, expect } from 'vitest';
import {
  toPadded,
  scatterResponse,
  gatherResponse,
  textOffsetsToTokens,
  maxPaddedLength,
  paddedLength,
  type SequenceBatch,
} from '../../src/rl/rl-batch';
import { SPECIAL_TOKENS, PAD_ID, EOS_ID, encode, decode } from '../../src/model/tokenizer';
import { stepMetrics } from '../../src/rl/step-metrics';

const isSpecial = (id: number) => id < SPECIAL_TOKENS;

describe('rl-batch', () => {
  it('maxPaddedLength bounds every padded batch of prompts and responses up to the given lengths', () => {
    for (let longestPrompt = 1; longestPrompt <= 40; longestPrompt += 3) {
      for (const maxNew of [1, 7, 16, 33, 64]) {
        const lengths = Int32Array.from([1, longestPrompt + maxNew, Math.max(1, longestPrompt - 1) + 1]);
        const b: SequenceBatch = {
          S: 3,
          Tmax: 512,
          seqs: new Int32Array(3 * 512),
          promptLens: Int32Array.of(1, longestPrompt, 1),
          lengths,
        };
        expect(paddedLength(b, 512)).toBeLessThanOrEqual(maxPaddedLength(longestPrompt, maxNew));
        expect(paddedLength(b, 512)).toBe(maxPaddedLength(longestPrompt, maxNew)); // reached by the longest row
      }
    }
  });

  it('places response token j of row s at padded position promptLen + j - 1', () => {
    const b: SequenceBatch = {
      S: 2,
      Tmax: 8,
      seqs: new Int32Array(16),
      promptLens: Int32Array.of(2, 3),
      lengths: Int32Array.of(5, 4),
    };
    b.seqs.set([1, 10, 11, 12, 13], 0);
    b.seqs.set([1, 20, 21, 22], 8);
    const g = toPadded(b, 4);
    expect(Array.from(g.targets)).toEqual([10, 11, 12, 13, 20, 21, 22, -1]);
    const padded = scatterResponse(b, 4, [Float32Array.of(1, 2, 3), Float32Array.of(9)]);
    expect(Array.from(padded)).toEqual([0, 1, 2, 3, 0, 0, 9, 0]);
    expect(gatherResponse(b, 4, padded).map((r) => Array.from(r))).toEqual([[1, 2, 3], [9]]);
  });

  it('maps text offsets to token indices around special tokens', () => {
    const tokens = Int32Array.from([...encode('### a'), PAD_ID, ...encode('### b'), EOS_ID]);
    const text = decode(tokens);
    expect(text).toBe('### a### b');
    // segments start at characters 0 and 5 of the text: tokens 0 and 6 (after the PAD)
    expect(textOffsetsToTokens(tokens, [0, 5], isSpecial)).toEqual([0, 6]);
    expect(textOffsetsToTokens(tokens, [text.length], isSpecial)).toEqual([tokens.length]);
    expect(() => textOffsetsToTokens(tokens, [11], isSpecial)).toThrow(/outside the response text/);
    // a response that opens with a special token: the first segment still starts at token 0
    const lead = Int32Array.from([PAD_ID, ...encode('### 1+1=2')]);
    expect(textOffsetsToTokens(lead, [0], isSpecial)).toEqual([0]);
  });

  it('reports no kl metric when no reference pass ran', () => {
    const base = {
      traces: [],
      G: 2,
      reports: [],
      dropped: 0,
      zeroStdGroups: 0,
      groups: 1,
      sampleMs: 1,
      rewardMs: 1,
      updateMs: 1,
      sampledTokens: 0,
    };
    expect('rl/kl' in stepMetrics({ ...base, klMeasured: false })).toBe(false);
    expect('rl/kl' in stepMetrics({ ...base, klMeasured: true })).toBe(true);
  });

  it("logs the verifier's figures of the checked responses only, none when no step is known", () => {
    const trace = (verified?: { inOrder: number; total: number }) => ({
      tokens: [1, 2],
      score: { kind: 'outcome' as const, reward: 0.5 },
      correct: 0,
      truncated: false,
      ...(verified ? { verified } : {}),
    });
    const base = {
      G: 2,
      reports: [],
      klMeasured: false,
      dropped: 0,
      zeroStdGroups: 0,
      groups: 2,
      sampleMs: 1,
      rewardMs: 1,
      updateMs: 1,
      sampledTokens: 8,
    };
    const m = stepMetrics({
      ...base,
      traces: [
        trace({ inOrder: 4, total: 4 }),
        trace({ inOrder: 1, total: 4 }),
        trace({ inOrder: 0, total: 5 }),
        trace(),
      ],
    });
    expect(m['rl/steps_in_order']).toBeCloseTo((1 + 0.25 + 0) / 3, 12);
    expect(m['rl/all_steps']).toBeCloseTo(1 / 3, 12);
    const none = stepMetrics({ ...base, traces: [trace(), trace()] });
    expect('rl/steps_in_order' in none || 'rl/all_steps' in none).toBe(false);
  });
});
