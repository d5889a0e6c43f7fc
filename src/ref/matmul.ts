// CPU reference for the matmul kernels: mirrors src/kernels/matmul.ts (shaders/matmul.wgsl and
// shaders/matmul_bias_backward.wgsl) with the same argument order, minus the leading `gpu`.
// Plain loops with float64 sums; the backward passes are written out directly rather than through
// matmul(), so a GPU test compares two independent derivations of each gradient.
// Every backward accumulates (+=) into its gradient arrays, as the kernels do.

import { geluForward } from './gelu';

export interface MatmulOptions {
  transA?: boolean; // a is stored (K,M)
  transB?: boolean; // b is stored (N,K)
  accumulate?: boolean; // out += result
}

/**
 * out (M,N) = op(a) · op(b) (+ bias (N) on every row), or out += op(a) · op(b) with `accumulate`.
 * op(a) is (M,K): a stored (M,K), or (K,M) with transA; op(b) is (K,N): b stored (K,N), or (N,K) with transB.
 */
export function matmul(
  out: Float32Array, // (M,N)
  a: Float32Array, // (M,K) or (K,M)
  b: Float32Array, // (K,N) or (N,K)
  bias: Float32Array | null, // (N)
  M: number,
  K: number,
  N: number,
  opts: MatmulOptions = {},
): void {
  if (opts.accumulate && bias)
    throw new Error('matmul: accumulate with a bias is not supported (add the bias once, in the forward pass)');
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = bias ? bias[n] : 0;
      for (let k = 0; k < K; k++) {
        const x = opts.transA ? a[k * M + m] : a[m * K + k];
        const w = opts.transB ? b[n * K + k] : b[k * N + n];
        s += x * w;
      }
      if (opts.accumulate) out[m * N + n] += s;
      else out[m * N + n] = s;
    }
  }
}

/** dbias (N) += column sums of dout (M,N). */
export function matmulBiasBackward(
  dbias: Float32Array /* (N) */,
  dout: Float32Array /* (M,N) */,
  M: number,
  N: number,
): void {
  for (let n = 0; n < N; n++) {
    let s = 0;
    for (let m = 0; m < M; m++) s += dout[m * N + n];
    dbias[n] += s;
  }
}

/** out (M,N) = inp (M,K) · weight (K,N) + bias (N); bias may be null. */
export function matmulForward(
  out: Float32Array, // (M,N)
  inp: Float32Array, // (M,K)
  weight: Float32Array, // (K,N)
  bias: Float32Array | null, // (N)
  M: number,
  K: number,
  N: number,
): void {
  matmul(out, inp, weight, bias, M, K, N);
}

/** out (M,N) = gelu(inp (M,K) · weight (K,N) + bias (N)), GELU as src/ref/gelu.ts (float32 rounding in between, as the GPU). */
export function matmulGelu(
  out: Float32Array, // (M,N)
  inp: Float32Array, // (M,K)
  weight: Float32Array, // (K,N)
  bias: Float32Array | null, // (N)
  M: number,
  K: number,
  N: number,
): void {
  matmul(out, inp, weight, bias, M, K, N);
  geluForward(out, out.slice(0, M * N), M * N);
}

/** x (M,N) += inp (M,K) · weight (K,N) + bias (N): a residual branch added into the stream. */
export function matmulResidual(
  x: Float32Array, // (M,N)
  inp: Float32Array, // (M,K)
  weight: Float32Array, // (K,N)
  bias: Float32Array | null, // (N)
  M: number,
  K: number,
  N: number,
): void {
  const y = new Float32Array(M * N);
  matmul(y, inp, weight, bias, M, K, N);
  for (let i = 0; i < M * N; i++) x[i] += y[i];
}

/** dinp (M,K) += dout · weightᵀ; dweight (K,N) += inpᵀ · dout; dbias (N) += column sums of dout (if not null). */
export function matmulBackward(
  dinp: Float32Array, // (M,K)
  dweight: Float32Array, // (K,N)
  dbias: Float32Array | null, // (N)
  dout: Float32Array, // (M,N)
  inp: Float32Array, // (M,K)
  weight: Float32Array, // (K,N)
  M: number,
  K: number,
  N: number,
): void {
  // dinp[m,k] = sum_n dout[m,n] weight[k,n]
  for (let m = 0; m < M; m++) {
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let n = 0; n < N; n++) s += dout[m * N + n] * weight[k * N + n];
      dinp[m * K + k] += s;
    }
  }
  // dweight[k,n] = sum_m inp[m,k] dout[m,n]
  for (let k = 0; k < K; k++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let m = 0; m < M; m++) s += inp[m * K + k] * dout[m * N + n];
      dweight[k * N + n] += s;
    }
  }
  if (dbias) matmulBiasBackward(dbias, dout, M, N);
}

/** out (M,N) = inp (M,K) · weightᵀ with weight stored (N,K): the tied output layer. */
export function matmulTransBForward(
  out: Float32Array, // (M,N)
  inp: Float32Array, // (M,K)
  weight: Float32Array, // (N,K)
  M: number,
  K: number,
  N: number,
): void {
  matmul(out, inp, weight, null, M, K, N, { transB: true });
}

/** dinp (M,K) += dout · weight; dweight (N,K) += doutᵀ · inp. */
export function matmulTransBBackward(
  dinp: Float32Array, // (M,K)
  dweight: Float32Array, // (N,K)
  dout: Float32Array, // (M,N)
  inp: Float32Array, // (M,K)
  weight: Float32Array, // (N,K)
  M: number,
  K: number,
  N: number,
): void {
  // dinp[m,k] = sum_n dout[m,n] weight[n,k]
  for (let m = 0; m < M; m++) {
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let n = 0; n < N; n++) s += dout[m * N + n] * weight[n * K + k];
      dinp[m * K + k] += s;
    }
  }
  // dweight[n,k] = sum_m dout[m,n] inp[m,k]
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let m = 0; m < M; m++) s += dout[m * N + n] * inp[m * K + k];
      dweight[n * K + k] += s;
    }
  }
}
