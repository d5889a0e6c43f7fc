// CPU reference for the residual add. Mirrors shaders/residual_forward.wgsl and
// shaders/residual_backward.wgsl, with the same argument order.
//   out = inp1 + inp2;  d/dinp1 = d/dinp2 = dout

/** out (N) = inp1 (N) + inp2 (N) */
export function residualForward(out: Float32Array, inp1: Float32Array, inp2: Float32Array, N: number): void {
  for (let i = 0; i < N; i++) out[i] = inp1[i] + inp2[i];
}

/** dinp1 (N) += dout (N); dinp2 (N) += dout (N): both branches receive the full gradient. */
export function residualBackward(dinp1: Float32Array, dinp2: Float32Array, dout: Float32Array, N: number): void {
  for (let i = 0; i < N; i++) {
    // accumulate: the residual stream also collects the gradient of the next block
    dinp1[i] += dout[i];
    dinp2[i] += dout[i];
  }
}
