// Evaluation metrics of method.md, "What is measured": the unbiased pass@k estimator from n samples
// with c correct (Chen et al. 2021), computed as a stable product instead of binomial coefficients,
// which overflow for n in the hundreds.

/** pass@k = 1 - C(n-c, k) / C(n, k) = 1 - prod_{i=n-c+1}^{n} (1 - k/i). */
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k))
    throw new Error(`passAtK: n, c, k must be integers, got ${n}, ${c}, ${k}`);
  if (n < 1 || c < 0 || c > n || k < 1 || k > n)
    throw new Error(`passAtK: need 0 <= c <= n and 1 <= k <= n, got n=${n} c=${c} k=${k}`);
  if (n - c < k) return 1; // every k-subset holds a correct sample
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/** Mean pass@k over problems, each with its own sample count n and correct count c. */
export function meanPassAtK(results: { n: number; c: number }[], k: number): number {
  if (results.length === 0) return 0;
  return results.reduce((s, r) => s + passAtK(r.n, r.c, k), 0) / results.length;
}
