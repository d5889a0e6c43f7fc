// Loss aggregation weights: hand-computed cases for each mode, and the sums each mode implies.
import { describe, expect, it } from 'vitest';
import { lossWeights } from '../../src/rl/aggregation';
import { assertClose } from '../helpers/compare';

const masks = () => [Float32Array.from([0, 1, 1]), Float32Array.from([1, 0]), Float32Array.from([0, 0])];

describe('lossWeights', () => {
  it('token-mean divides by all masked tokens of the batch', () => {
    // 3 masked tokens in total -> 1/3 each
    assertClose('token-mean', lossWeights(masks(), 'token-mean'), [0, 1 / 3, 1 / 3, 1 / 3, 0, 0, 0], 1e-7, 0);
  });

  it('seq-mean-token-mean averages within each sequence, then over sequences with tokens', () => {
    // 2 sequences have tokens (the third is dropped): seq 0 has 2 tokens -> 1/(2*2); seq 1 has 1 -> 1/(1*2)
    assertClose('seq-mean', lossWeights(masks(), 'seq-mean-token-mean'), [0, 0.25, 0.25, 0.5, 0, 0, 0], 1e-7, 0);
  });

  it('sum-norm divides by the constant', () => {
    assertClose('sum-norm', lossWeights(masks(), 'sum-norm', 4), [0, 0.25, 0.25, 0.25, 0, 0, 0], 1e-7, 0);
    expect(() => lossWeights(masks(), 'sum-norm')).toThrow(/positive constant/);
    expect(() => lossWeights(masks(), 'sum-norm', 0)).toThrow(/positive constant/);
  });

  it('weights sum to 1 for the means, to tokens/constant for sum-norm; an empty batch gives zeros', () => {
    const m = [new Float32Array(7).fill(1), Float32Array.from([0, 0, 1, 1, 1]), new Float32Array(1).fill(1)];
    const sum = (a: Float32Array) => a.reduce((s, x) => s + x, 0);
    expect(sum(lossWeights(m, 'token-mean'))).toBeCloseTo(1, 6);
    expect(sum(lossWeights(m, 'seq-mean-token-mean'))).toBeCloseTo(1, 6);
    expect(sum(lossWeights(m, 'sum-norm', 22))).toBeCloseTo(11 / 22, 6);
    // a long sequence counts per token in token-mean, once in seq-mean-token-mean
    expect(lossWeights(m, 'token-mean')[0]).toBeCloseTo(1 / 11, 6);
    expect(lossWeights(m, 'seq-mean-token-mean')[0]).toBeCloseTo(1 / 21, 6);
    const empty = [new Float32Array(3), new Float32Array(2)];
    for (const mode of ['token-mean', 'seq-mean-token-mean'] as const) {
      expect(Array.from(lossWeights(empty, mode))).toEqual([0, 0, 0, 0, 0]);
    }
  });
});
