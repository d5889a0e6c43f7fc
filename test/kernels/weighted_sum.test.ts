// Weighted sum reduction against a float64 reference, from N = 1 to N = 100000, plus determinism
// (bit-identical results on repeated runs) and an output that is a range of a larger buffer.
import { describe, it, expect } from 'vitest';
import * as ref from '../../src/ref/weighted_sum';
import * as gpuK from '../../src/kernels/weighted_sum';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { testGpu, toGpu, fromGpu, run } from '../helpers/gpu';
import { assertClose } from '../helpers/compare';

describe('kernel weighted_sum', () => {
  for (const N of [1, 7, 256, 257, 1000, 100000]) {
    it(`matches the reference, N=${N}`, async () => {
      const g = await testGpu();
      const rng = mulberry32(N + 5);
      const values = randomFloats(rng, N, 3);
      const weights = randomFloats(rng, N);
      const want = new Float32Array(1);
      ref.weightedSum(want, values, weights, N);
      const bOut = toGpu(g, new Float32Array([123]));
      await run(g, gpuK.weightedSum(g, bOut, toGpu(g, values), toGpu(g, weights), N));
      // float32 partial sums of N products of size <= 3: error grows like sqrt(N) ulps
      assertClose('weighted sum', await fromGpu(g, bOut, 1), want, 1e-5 * Math.sqrt(N), 1e-5);
    });
  }

  it('is deterministic and writes into a buffer range', async () => {
    const g = await testGpu();
    const N = 20000;
    const rng = mulberry32(99);
    const bVal = toGpu(g, randomFloats(rng, N));
    const bW = toGpu(g, randomFloats(rng, N));
    const bOut = toGpu(g, new Float32Array(128));
    const d = gpuK.weightedSum(g, { buffer: bOut, offset: 256, size: 4 }, bVal, bW, N);
    await run(g, d);
    const first = (await fromGpu(g, bOut, 128))[64];
    for (let k = 0; k < 3; k++) {
      await run(g, d);
      const again = await fromGpu(g, bOut, 128);
      expect(again[64]).toBe(first);
      expect(again[0]).toBe(0); // nothing written before the range
    }
    expect(first).not.toBe(0);
  });
});
