// Weighted sum reduction against a float64 reference, from N = 1 to N = 100000, plus determinism
// (bit-identical results on repeated runs) and an output that is a range of a larger buffer.
import { describe, it, expect } from 'vitest';
import * as ref from '../../src/ref/weighted_sum';
import * as gpuK from '../../src/kernels/weighted_sum';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { checkOp } from '../helpers/op-check';

describe('kernel weighted_sum', () => {
  for (const N of [1, 7, 256, 257, 1000, 100000]) {
    it(`matches the reference, N=${N}`, async () => {
      const rng = mulberry32(N + 5);
      await checkOp({
        name: `weighted sum N=${N}`,
        inputs: { values: randomFloats(rng, N, 3), weights: randomFloats(rng, N) }, // (N) each
        outputs: { out: Float32Array.of(123) }, // (1)
        ref: (a) => ref.weightedSum(a.out, a.values, a.weights, N),
        gpu: (g, b) => gpuK.weightedSum(g, b.out, b.values, b.weights, N),
        // float32 partial sums of N products of size <= 3: error grows like sqrt(N) ulps
        forwardTol: [1e-5 * Math.sqrt(N), 1e-5],
      });
    });
  }

  it('is deterministic and writes into a buffer range', async () => {
    const N = 20000;
    const rng = mulberry32(99);
    const { got } = await checkOp({
      name: 'weighted sum into a range',
      inputs: { values: randomFloats(rng, N), weights: randomFloats(rng, N) },
      outputs: { out: new Float32Array(128) }, // (128): the sum lands in element 64 (byte offset 256)
      ref: (a) => ref.weightedSum(a.out.subarray(64, 65), a.values, a.weights, N),
      gpu: (g, b) => gpuK.weightedSum(g, { buffer: b.out, offset: 256, size: 4 }, b.values, b.weights, N),
      forwardTol: [1e-5 * Math.sqrt(N), 1e-5],
      repeats: 3, // deterministic
    });
    expect(got.out[64]).not.toBe(0);
    expect(Array.from(got.out).filter((x, i) => i !== 64 && x !== 0)).toEqual([]); // nothing written outside the range
  });
});
