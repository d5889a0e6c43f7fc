// Squared gradient norm CPU reference against a direct float64 sum, across chunk boundaries.
import { describe, it, expect } from 'vitest';
import { gradNormSquared, CHUNK } from '../../src/ref/gradnorm';
import { mulberry32, randomFloats } from '../../src/util/rng';

describe('ref gradnorm', () => {
  for (const N of [1, 5, CHUNK, CHUNK + 1, 3 * CHUNK + 17]) {
    it(`matches a direct sum and fills the partials, N=${N}`, () => {
      const grads = randomFloats(mulberry32(N), N, 2);
      let want = 0;
      for (let i = 0; i < N; i++) want += grads[i] * grads[i];
      const out = new Float32Array(1);
      const partials = new Float32Array(Math.ceil(N / CHUNK));
      gradNormSquared(out, partials, grads, N);
      expect(out[0]).toBeCloseTo(want, 2);
      expect(Math.abs(out[0] - want) / want).toBeLessThan(1e-6);
      let fromPartials = 0;
      for (const p of partials) fromPartials += p;
      expect(Math.abs(fromPartials - want) / want).toBeLessThan(1e-6);
      // The last chunk holds exactly the tail.
      const last = partials.length - 1;
      let tail = 0;
      for (let i = last * CHUNK; i < N; i++) tail += grads[i] * grads[i];
      expect(Math.abs(partials[last] - tail) / tail).toBeLessThan(1e-6);
    });
  }

  it('a known value: grads 3 and 4 give 25', () => {
    const out = new Float32Array(1);
    gradNormSquared(out, new Float32Array(1), new Float32Array([3, 4]), 2);
    expect(out[0]).toBe(25);
  });
});
