// CPU reference for the token + position embedding (GPT-2's wte/wpe). Mirrors
// shaders/encoder_forward.wgsl and shaders/encoder_backward.wgsl, with the same argument order.
//   out[b,t,:] = wte[tokens[b,t],:] + wpe[t,:]

/** out (B,T,C) = wte (V,C)[tokens (B,T)] + wpe (maxT,C)[t] */
export function encoderForward(
  out: Float32Array, // (B,T,C)
  tokens: Int32Array, // (B,T)
  wte: Float32Array, // (V,C)
  wpe: Float32Array, // (maxT,C)
  B: number,
  T: number,
  C: number,
): void {
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const o = (b * T + t) * C;
      const w = tokens[b * T + t] * C;
      const p = t * C;
      for (let c = 0; c < C; c++) out[o + c] = wte[w + c] + wpe[p + c];
    }
  }
}

/** dwte (V,C) += dout scattered by token; dwpe (maxT,C) += dout summed over the batch. Accumulates. */
export function encoderBackward(
  dwte: Float32Array, // (V,C)
  dwpe: Float32Array, // (maxT,C)
  dout: Float32Array, // (B,T,C)
  tokens: Int32Array, // (B,T)
  B: number,
  T: number,
  C: number,
  V: number,
): void {
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const v = tokens[b * T + t];
      if (v < 0 || v >= V) throw new RangeError(`encoderBackward: token ${v} at (${b},${t}) outside [0, ${V})`);
      const o = (b * T + t) * C;
      for (let c = 0; c < C; c++) {
        // a token seen several times collects every occurrence's gradient
        dwte[v * C + c] += dout[o + c];
        dwpe[t * C + c] += dout[o + c];
      }
    }
  }
}
