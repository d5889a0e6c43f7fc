// Squared gradient norm kernel against the CPU reference, from one element to ten million (a
// wrapped grid), checking the per-chunk partials too; repeated runs must agree bit for bit.
import { describe, it, expect } from 'vitest';
import * as ref from '../../src/ref/gradnorm';
import * as gpuK from '../../src/kernels/gradnorm';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { checkOp } from '../helpers/op-check';

describe('kernel gradnorm', () => {
  it('chunk size agrees with the reference', () => {
    expect(gpuK.GRADNORM_CHUNK).toBe(ref.CHUNK);
    expect(gpuK.gradNormPartialsLength(1)).toBe(1);
    expect(gpuK.gradNormPartialsLength(ref.CHUNK)).toBe(1);
    expect(gpuK.gradNormPartialsLength(ref.CHUNK + 1)).toBe(2);
  });

  for (const N of [1, 3, 255, 4096, 4097, 70001, 10_000_000]) {
    it(`sum of squares, N=${N}`, async () => {
      const rng = mulberry32(N);
      const P = gpuK.gradNormPartialsLength(N);
      await checkOp({
        name: `gradnorm N=${N}`,
        inputs: { grads: randomFloats(rng, N, 0.5) }, // (N)
        outputs: { out: Float32Array.of(-1), partials: randomFloats(rng, P, 9) }, // (1), (P) scratch starts as garbage
        ref: (a) => ref.gradNormSquared(a.out, a.partials, a.grads, N),
        gpu: (g, b) => gpuK.gradNormSquared(g, b.out, b.partials, b.grads, N),
        forwardTol: [1e-6, 1e-5],
        repeats: 1, // deterministic
      });
    });
  }
});
