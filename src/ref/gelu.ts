// CPU reference for GELU (tanh approximation, as GPT-2). Mirrors shaders/gelu_forward.wgsl and
// shaders/gelu_backward.wgsl, with the same argument order.
//   y = 0.5 x (1 + tanh(s (x + 0.044715 x^3))),  s = sqrt(2/pi)
//   dy/dx = 0.5 (1 + t) + 0.5 x (1 - t^2) s (1 + 3 * 0.044715 x^2),  t = tanh(...)

const S = Math.sqrt(2 / Math.PI);

/** out (N) = gelu(inp (N)) */
export function geluForward(out: Float32Array, inp: Float32Array, N: number): void {
  for (let i = 0; i < N; i++) {
    const x = inp[i];
    out[i] = 0.5 * x * (1 + Math.tanh(S * (x + 0.044715 * x * x * x)));
  }
}

/** dinp (N) += dout (N) * gelu'(inp (N)); accumulates, as activation grads feeding a residual branch may. */
export function geluBackward(dinp: Float32Array, inp: Float32Array, dout: Float32Array, N: number): void {
  for (let i = 0; i < N; i++) {
    const x = inp[i];
    const t = Math.tanh(S * (x + 0.044715 * x * x * x));
    const local = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * S * (1 + 3 * 0.044715 * x * x);
    dinp[i] += local * dout[i];
  }
}
