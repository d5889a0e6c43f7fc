// pass@k: the unbiased estimator 1 - C(n-c,k)/C(n,k), checked against exact binomials on small
// cases and against log-gamma on large ones where the binomials overflow.
import { describe, expect, it } from 'vitest';
import { meanPassAtK, passAtK } from '../../src/rl/pass-at-k';

function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7), accurate to ~1e-13 relative for x >= 0.5
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}
const logBinom = (n: number, k: number) => logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);

describe('passAtK', () => {
  it('matches 1 - C(n-c,k)/C(n,k) exactly on small cases', () => {
    for (let n = 1; n <= 12; n++) {
      for (let c = 0; c <= n; c++) {
        for (let k = 1; k <= n; k++) {
          const want = n - c < k ? 1 : 1 - binom(n - c, k) / binom(n, k);
          expect(passAtK(n, c, k)).toBeCloseTo(want, 12);
        }
      }
    }
    expect(passAtK(4, 2, 2)).toBeCloseTo(5 / 6, 14);
    expect(passAtK(5, 1, 1)).toBeCloseTo(0.2, 14);
    expect(passAtK(10, 0, 5)).toBe(0);
    expect(passAtK(10, 10, 1)).toBe(1);
  });

  it('stays accurate where binomials overflow', () => {
    for (const [n, c, k] of [
      [1000, 1, 100],
      [2000, 7, 500],
      [5000, 30, 64],
    ]) {
      const want = 1 - Math.exp(logBinom(n - c, k) - logBinom(n, k));
      expect(Math.abs(passAtK(n, c, k) - want)).toBeLessThan(1e-9);
    }
    expect(passAtK(1000, 1, 100)).toBeCloseTo(0.1, 12);
  });

  it('refuses impossible arguments', () => {
    expect(() => passAtK(5, 6, 1)).toThrow(/0 <= c <= n/);
    expect(() => passAtK(5, 1, 6)).toThrow(/1 <= k <= n/);
    expect(() => passAtK(5, 1, 0)).toThrow(/1 <= k <= n/);
    expect(() => passAtK(5.5, 1, 1)).toThrow(/integers/);
  });

  it('averages over problems', () => {
    expect(
      meanPassAtK(
        [
          { n: 4, c: 0 },
          { n: 4, c: 4 },
        ],
        2,
      ),
    ).toBe(0.5);
    expect(meanPassAtK([], 1)).toBe(0);
  });
});
