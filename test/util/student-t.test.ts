// Student t quantiles against published table values (two-sided 95%, i.e. p = 0.975) for small and
// large degrees of freedom, the CDF at known points, and the refusals.
import { describe, expect, it } from 'vitest';
import { incompleteBeta, studentTCdf, studentTQuantile } from '../../src/util/student-t';

describe('Student t', () => {
  it('quantiles match the tables to 6 digits for any degrees of freedom', () => {
    const table: [number, number][] = [
      [1, 12.706205],
      [2, 4.302653],
      [3, 3.182446],
      [10, 2.228139],
      [11, 2.200985],
      [12, 2.178813],
      [30, 2.042272],
      [120, 1.97993],
    ];
    for (const [df, t] of table) expect(studentTQuantile(0.975, df), `df ${df}`).toBeCloseTo(t, 5);
    expect(studentTQuantile(0.995, 12)).toBeCloseTo(3.05454, 5);
    expect(studentTQuantile(0.025, 12)).toBeCloseTo(-2.178813, 5);
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5); // the normal limit
  });

  it('the CDF and the incomplete beta at known points', () => {
    expect(studentTCdf(0, 5)).toBeCloseTo(0.5, 12);
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 10); // Cauchy: 1/2 + atan(1)/pi
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(incompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 12);
  });

  it('refuses p outside (0, 1) and df <= 0', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(/p must be in \(0, 1\)/);
    expect(() => studentTQuantile(0.9, 0)).toThrow(/degrees of freedom/);
  });
});
