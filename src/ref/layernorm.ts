// CPU reference for LayerNorm as in GPT-2 / llm.c (biased variance, eps = 1e-5). Mirrors
// shaders/layernorm_forward.wgsl, shaders/layernorm_backward.wgsl and
// shaders/layernorm_backward_params.wgsl, with the same argument order.
//   norm = (x - mean) * rstd,  rstd = 1 / sqrt(var + eps),  out = norm * weight + bias

const EPS = 1e-5;

/** out (N,C) = layernorm(inp (N,C)) * weight (C) + bias (C); saves mean (N) and rstd (N). */
export function layernormForward(
  out: Float32Array, // (N,C)
  mean: Float32Array, // (N)
  rstd: Float32Array, // (N)
  inp: Float32Array, // (N,C)
  weight: Float32Array, // (C)
  bias: Float32Array, // (C)
  N: number,
  C: number,
): void {
  for (let n = 0; n < N; n++) {
    const base = n * C;
    let s = 0;
    for (let c = 0; c < C; c++) s += inp[base + c];
    const m = s / C;
    // biased variance, from centred values (two passes, as the kernel)
    let q = 0;
    for (let c = 0; c < C; c++) {
      const d = inp[base + c] - m;
      q += d * d;
    }
    const r = 1 / Math.sqrt(q / C + EPS);
    for (let c = 0; c < C; c++) out[base + c] = (inp[base + c] - m) * r * weight[c] + bias[c];
    mean[n] = m;
    rstd[n] = r;
  }
}

/** Accumulates dinp (N,C), dweight (C), dbias (C) from dout (N,C) and the forward's saved mean/rstd. */
export function layernormBackward(
  dinp: Float32Array, // (N,C)
  dweight: Float32Array, // (C)
  dbias: Float32Array, // (C)
  dout: Float32Array, // (N,C)
  inp: Float32Array, // (N,C)
  weight: Float32Array, // (C)
  mean: Float32Array, // (N)
  rstd: Float32Array, // (N)
  N: number,
  C: number,
): void {
  for (let n = 0; n < N; n++) {
    const base = n * C;
    const m = mean[n];
    const r = rstd[n];
    // row means of dnorm and dnorm * norm
    let a = 0;
    let b = 0;
    for (let c = 0; c < C; c++) {
      const norm = (inp[base + c] - m) * r;
      const dnorm = weight[c] * dout[base + c];
      a += dnorm;
      b += dnorm * norm;
    }
    a /= C;
    b /= C;
    for (let c = 0; c < C; c++) {
      const norm = (inp[base + c] - m) * r;
      const dnorm = weight[c] * dout[base + c];
      dbias[c] += dout[base + c];
      dweight[c] += norm * dout[base + c];
      dinp[base + c] += (dnorm - a - norm * b) * r;
    }
  }
}
