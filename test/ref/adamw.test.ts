// AdamW CPU reference against closed forms: the first step, decoupled decay on masked entries only,
// the clipping factor, and the skipped step on a non-finite norm.
import { describe, it, expect } from 'vitest';
import { adamw, clipScale, checkAdamwHyper, type AdamwHyper } from '../../src/ref/adamw';
import { mulberry32, randomFloats } from '../../src/util/rng';

const h1: AdamwHyper = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1, maxGradNorm: 0 };
const normSq = (g: Float32Array) => new Float32Array([g.reduce((s, x) => s + x * x, 0)]);

describe('ref adamw', () => {
  it('step 1 moves each parameter by lr * g / (|g| + eps)', () => {
    const N = 20;
    const rng = mulberry32(1);
    const p0 = randomFloats(rng, N);
    const g = randomFloats(rng, N);
    const p = p0.slice();
    const m = new Float32Array(N);
    const v = new Float32Array(N);
    expect(adamw(p, m, v, g, new Float32Array(N).fill(1), normSq(g), N, h1)).toBe(true);
    for (let i = 0; i < N; i++) {
      expect(p[i]).toBeCloseTo(p0[i] - h1.lr * (g[i] / (Math.abs(g[i]) + h1.eps)), 6);
      expect(m[i]).toBeCloseTo(0.1 * g[i], 6);
      expect(v[i]).toBeCloseTo(0.001 * g[i] * g[i], 8);
    }
  });

  it('weight decay is decoupled and applies only where the mask is 1', () => {
    const N = 6;
    const p0 = new Float32Array([1, -2, 3, -4, 5, -6]);
    const decayMask = new Float32Array([1, 0, 1, 0, 1, 0]);
    const p = p0.slice();
    const zero = new Float32Array(N); // zero gradients: only the decay moves the weights
    const h = { ...h1, weightDecay: 0.5, step: 4 };
    adamw(p, new Float32Array(N), new Float32Array(N), zero, decayMask, new Float32Array(1), N, h);
    for (let i = 0; i < N; i++) expect(p[i]).toBeCloseTo(decayMask[i] ? p0[i] * (1 - h.lr * 0.5) : p0[i], 6);
  });

  it('clipping rescales the gradient to the maximum norm', () => {
    expect(clipScale(25, 0)).toBe(1);
    expect(clipScale(25, 5)).toBe(1);
    expect(clipScale(25, 10)).toBe(1);
    expect(clipScale(25, 1)).toBeCloseTo(1 / 5, 6);
    const g = new Float32Array([3, 4]); // norm 5
    const m = new Float32Array(2);
    adamw(new Float32Array(2), m, new Float32Array(2), g, new Float32Array(2), normSq(g), 2, {
      ...h1,
      maxGradNorm: 0.5,
    });
    // m = (1 - beta1) * g * 0.5 / 5 after one step
    expect(m[0]).toBeCloseTo(0.1 * 3 * 0.1, 6);
    expect(m[1]).toBeCloseTo(0.1 * 4 * 0.1, 6);
  });

  it('bias correction: with constant gradients, mhat equals g at every step', () => {
    const g = new Float32Array([0.3]);
    const p = new Float32Array([0]);
    const m = new Float32Array(1);
    const v = new Float32Array(1);
    for (let step = 1; step <= 5; step++) {
      const before = p[0];
      adamw(p, m, v, g, new Float32Array(1), normSq(g), 1, { ...h1, step });
      expect(before - p[0]).toBeCloseTo(h1.lr, 5); // mhat / sqrt(vhat) = g / |g| = 1
    }
  });

  for (const bad of [NaN, Infinity, -Infinity]) {
    it(`a ${bad} norm skips the step`, () => {
      const p = new Float32Array([1, 2]);
      const m = new Float32Array([0.1, 0.2]);
      const v = new Float32Array([0.01, 0.02]);
      const ok = adamw(p, m, v, new Float32Array([1, 1]), new Float32Array([1, 1]), new Float32Array([bad]), 2, h1);
      expect(ok).toBe(false);
      expect(Array.from(p)).toEqual([1, 2]);
      expect(m).toEqual(new Float32Array([0.1, 0.2]));
      expect(v).toEqual(new Float32Array([0.01, 0.02]));
    });
  }

  it('rejects invalid hyperparameters', () => {
    expect(() => checkAdamwHyper({ ...h1, step: 0 })).toThrow(/step/);
    expect(() => checkAdamwHyper({ ...h1, step: 1.5 })).toThrow(/step/);
    expect(() => checkAdamwHyper({ ...h1, beta1: 1 })).toThrow(/beta1/);
    expect(() => checkAdamwHyper({ ...h1, eps: 0 })).toThrow(/eps/);
    expect(() => checkAdamwHyper({ ...h1, lr: Infinity })).toThrow(/lr/);
  });
});
