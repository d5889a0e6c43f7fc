// Squared gradient norm kernel against the CPU reference, from one element to ten million (a
// wrapped grid), checking the per-chunk partials too; repeated runs must agree bit for bit.
import { describe, it, expect } from 'vitest';
import * as ref from '../../src/ref/gradnorm';
import * as gpuK from '../../src/kernels/gradnorm';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { testGpu, toGpu, fromGpu, run } from '../helpers/gpu';
import { assertClose } from '../helpers/compare';

describe('kernel gradnorm', () => {
  it('chunk size agrees with the reference', () => {
    expect(gpuK.GRADNORM_CHUNK).toBe(ref.CHUNK);
    expect(gpuK.gradNormPartialsLength(1)).toBe(1);
    expect(gpuK.gradNormPartialsLength(ref.CHUNK)).toBe(1);
    expect(gpuK.gradNormPartialsLength(ref.CHUNK + 1)).toBe(2);
  });

  for (const N of [1, 3, 255, 4096, 4097, 70001, 10_000_000]) {
    it(`sum of squares, N=${N}`, async () => {
      const g = await testGpu();
      const rng = mulberry32(N);
      const grads = randomFloats(rng, N, 0.5);
      const P = gpuK.gradNormPartialsLength(N);
      const out = new Float32Array(1);
      const partials = new Float32Array(P);
      ref.gradNormSquared(out, partials, grads, N);
      const bOut = toGpu(g, new Float32Array([-1]));
      const bPartials = toGpu(g, randomFloats(rng, P, 9)); // scratch starts as garbage
      const bGrads = toGpu(g, grads);
      const ds = gpuK.gradNormSquared(g, bOut, bPartials, bGrads, N);
      await run(g, ds);
      assertClose('gradnorm partials', await fromGpu(g, bPartials, P), partials, 1e-6, 1e-5);
      const first = await fromGpu(g, bOut, 1);
      assertClose('gradnorm out', first, out, 1e-6, 1e-5);
      await run(g, ds);
      expect((await fromGpu(g, bOut, 1))[0]).toBe(first[0]); // deterministic
    });
  }
});
