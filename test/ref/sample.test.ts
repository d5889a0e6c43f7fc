// CPU reference of sampling: the hash-based uniform draw, the float key order, truncation by top-k and
// top-p on hand-computed cases (ties included), and the inverse CDF. Appending the sampled tokens is
// src/ref/rollout_advance.ts (test/ref/rollout_advance.test.ts).
import { describe, expect, it } from 'vitest';
import { rngUniform, floatKey, truncatedProbs, sampleRow, sampleTokens } from '../../src/ref/sample';
import { assertClose } from '../helpers/compare';

const row = (xs: number[]) => Float32Array.from(xs);
const P = (temperature: number, topK = 0, topP = 1) => ({ temperature, topK, topP, seed: 1 });

describe('ref sample', () => {
  it('rngUniform is deterministic, in [0,1), uniform, and differs across seed, row and counter', () => {
    expect(rngUniform(5, 3, 9)).toBe(rngUniform(5, 3, 9));
    expect(rngUniform(5, 3, 9)).not.toBe(rngUniform(6, 3, 9));
    expect(rngUniform(5, 3, 9)).not.toBe(rngUniform(5, 4, 9));
    expect(rngUniform(5, 3, 9)).not.toBe(rngUniform(5, 3, 10));
    const bins = new Array(10).fill(0);
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = rngUniform(1, i % 100, Math.floor(i / 100));
      expect(u >= 0 && u < 1).toBe(true);
      bins[Math.floor(u * 10)]++;
    }
    // chi-square with 9 degrees of freedom; 27.9 is the 0.999 quantile
    const chi2 = bins.reduce((s, o) => s + (o - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).toBeLessThan(27.9);
  });

  it('floatKey preserves float order', () => {
    const xs = [-Infinity, -1e30, -2.5, -1, -1e-30, -0, 0, 1e-30, 1, 2.5, 1e30, Infinity];
    for (let i = 1; i < xs.length; i++) expect(floatKey(xs[i])).toBeGreaterThanOrEqual(floatKey(xs[i - 1]));
    expect(floatKey(-0)).toBe(floatKey(0));
    expect(floatKey(-1)).toBeLessThan(floatKey(-0.5));
  });

  it('truncation by temperature, top-k and top-p (by hand)', () => {
    const l = row([0, Math.log(2), Math.log(3), Math.log(4)]); // softmax at T=1: 0.1 0.2 0.3 0.4
    assertClose('T=1', truncatedProbs(l, 4, P(1)), [0.1, 0.2, 0.3, 0.4], 1e-6, 0);
    assertClose('T=0.5', truncatedProbs(l, 4, P(0.5)), [1 / 30, 4 / 30, 9 / 30, 16 / 30], 1e-6, 0); // squares
    assertClose('top-2', truncatedProbs(l, 4, P(1, 2)), [0, 0, 3 / 7, 4 / 7], 1e-6, 0);
    // nucleus 0.5: 0.4 < 0.5, 0.4 + 0.3 >= 0.5 -> {2, 3}; nucleus 0.35: 0.4 alone
    assertClose('top-p 0.5', truncatedProbs(l, 4, P(1, 0, 0.5)), [0, 0, 3 / 7, 4 / 7], 1e-6, 0);
    assertClose('top-p 0.35', truncatedProbs(l, 4, P(1, 0, 0.35)), [0, 0, 0, 1], 1e-6, 0);
    // nucleus 0.8 inside top-3 (renormalised 2/9 3/9 4/9): 4/9 + 3/9 = 7/9 < 0.8 -> all three
    assertClose('top-3 then p', truncatedProbs(l, 4, P(1, 3, 0.8)), [0, 2 / 9, 3 / 9, 4 / 9], 1e-6, 0);
    assertClose('greedy', truncatedProbs(l, 4, P(0)), [0, 0, 0, 1], 0, 0);
    // ties at the cut are all kept: top-2 of [1, 1, 1, 0] keeps the three 1s
    assertClose('top-k ties', truncatedProbs(row([1, 1, 1, 0]), 4, P(1, 2)), [1 / 3, 1 / 3, 1 / 3, 0], 1e-6, 0);
  });

  it('sampleRow inverts the CDF in index order; greedy takes the lowest index on ties', () => {
    const l = row([0, Math.log(2), Math.log(3), Math.log(4)]);
    expect([0.05, 0.15, 0.31, 0.59, 0.61, 0.999].map((u) => sampleRow(l, 4, P(1), u))).toEqual([0, 1, 2, 2, 3, 3]);
    expect(sampleRow(l, 4, P(1, 2), 0.42)).toBe(2); // 0.42 < 3/7
    expect(sampleRow(l, 4, P(1, 2), 0.43)).toBe(3);
    expect(sampleRow(row([3, 7, 7, -1]), 4, P(0), 0.9)).toBe(1);
  });

  it('sampleTokens draws row s with rngUniform(seed, s, counter)', () => {
    const V = 4;
    const logits = Float32Array.from({ length: 3 * V }, (_, i) => Math.log(1 + (i % V)));
    const next = new Int32Array(3);
    const p = { temperature: 1, topK: 0, topP: 1, seed: 99 };
    sampleTokens(next, logits, Uint32Array.from([7]), 3, V, p);
    for (let s = 0; s < 3; s++) expect(next[s]).toBe(sampleRow(logits.subarray(0, V), V, p, rngUniform(99, s, 7)));
  });
});
