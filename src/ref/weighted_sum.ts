// CPU reference for the weighted sum reduction. Mirrors shaders/weighted_sum.wgsl, with the same
// argument order. Accumulates in float64 (a JS number), so it is the exact-ish value the
// kernel's float32 tree approximates.

/** out (1) = sum_n values (N) * weights (N); overwrites out[0]. */
export function weightedSum(out: Float32Array, values: Float32Array, weights: Float32Array, N: number): void {
  let s = 0;
  for (let n = 0; n < N; n++) s += values[n] * weights[n];
  out[0] = s;
}
