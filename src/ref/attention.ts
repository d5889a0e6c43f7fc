// CPU reference for causal multi-head self-attention. Mirrors the passes of src/kernels/attention.ts
// (shaders/attention_*.wgsl) loop for loop, with the same argument order. Not a fused or fast
// attention: the (B,NH,T,T) probabilities are materialised because the backward reuses them.
//   att[b,h,t,t2] = softmax over t2 <= t of (q_t . k_t2) / sqrt(HS),  0 for t2 > t
//   out[b,t,h*HS+i] = sum_t2 att[b,h,t,t2] v_t2[i]
// qkv holds per token [q (C) | k (C) | v (C)]; head h uses channels h*HS..(h+1)*HS, HS = C / NH.

/** Throws unless the shape is one the kernels accept. */
export function checkAttentionShape(B: number, T: number, C: number, NH: number): void {
  for (const [k, x] of Object.entries({ B, T, C, NH })) {
    if (!Number.isInteger(x) || x < 1) throw new Error(`attention: ${k} must be a positive integer, got ${x}`);
  }
  if (C % NH !== 0) throw new Error(`attention: C (${C}) must be divisible by NH (${NH})`);
}

/** out (B,T,C) = causal softmax attention of qkv (B,T,3C); att (B,NH,T,T) receives the probabilities. */
export function attentionForward(
  out: Float32Array, // (B,T,C)
  att: Float32Array, // (B,NH,T,T)
  qkv: Float32Array, // (B,T,3C)
  B: number,
  T: number,
  C: number,
  NH: number,
): void {
  checkAttentionShape(B, T, C, NH);
  const HS = C / NH;
  const C3 = 3 * C; // stride between tokens in qkv
  const scale = 1 / Math.sqrt(HS);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      for (let t = 0; t < T; t++) {
        // Row (b,h,t) of att: query t against every key t2; q_t sits at channels h*HS.. of token t.
        const row = ((b * NH + h) * T + t) * T;
        const q0 = (b * T + t) * C3 + h * HS;
        // Pass 1 (attention_scores.wgsl): scaled dot products for the visible positions t2 <= t.
        for (let t2 = 0; t2 <= t; t2++) {
          const k0 = (b * T + t2) * C3 + C + h * HS;
          let s = 0;
          for (let i = 0; i < HS; i++) s += qkv[q0 + i] * qkv[k0 + i];
          att[row + t2] = s * scale;
        }
        // Pass 2 (attention_softmax.wgsl): max-subtracted softmax in place, masked entries zeroed.
        let mx = att[row];
        for (let t2 = 1; t2 <= t; t2++) mx = Math.max(mx, att[row + t2]);
        let sum = 0;
        for (let t2 = 0; t2 <= t; t2++) {
          const e = Math.exp(att[row + t2] - mx);
          att[row + t2] = e;
          sum += e;
        }
        for (let t2 = 0; t2 <= t; t2++) att[row + t2] /= sum;
        for (let t2 = t + 1; t2 < T; t2++) att[row + t2] = 0;
      }
    }
  }
  // Pass 3 (attention_forward.wgsl): probability-weighted sum of the values, one output at a time.
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let c = 0; c < C; c++) {
        const h = Math.floor(c / HS);
        const row = ((b * NH + h) * T + t) * T;
        let s = 0;
        for (let t2 = 0; t2 <= t; t2++) s += att[row + t2] * qkv[(b * T + t2) * C3 + 2 * C + c];
        out[(b * T + t) * C + c] = s;
      }
    }
  }
}

/**
 * dqkv (B,T,3C) += gradient of the attention output; datt (B,NH,T,T) is scratch and is overwritten:
 * on return it holds the gradient with respect to the raw dot products q_t . k_t2 (1/sqrt(HS) folded in).
 */
export function attentionBackward(
  dqkv: Float32Array, // (B,T,3C) accumulated (+=)
  datt: Float32Array, // (B,NH,T,T) scratch, overwritten
  dout: Float32Array, // (B,T,C)
  qkv: Float32Array, // (B,T,3C)
  att: Float32Array, // (B,NH,T,T) probabilities saved by the forward
  B: number,
  T: number,
  C: number,
  NH: number,
): void {
  checkAttentionShape(B, T, C, NH);
  const HS = C / NH;
  const C3 = 3 * C;
  const scale = 1 / Math.sqrt(HS);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      for (let t = 0; t < T; t++) {
        // Row (b,h,t) of datt; dout_t of head h sits at channels h*HS.. of token t.
        const row = ((b * NH + h) * T + t) * T;
        const d0 = (b * T + t) * C + h * HS;
        // Pass 1 (attention_datt.wgsl): datt = dout_t . v_t2 where visible, 0 where masked.
        for (let t2 = 0; t2 < T; t2++) {
          let s = 0;
          if (t2 <= t) {
            const v0 = (b * T + t2) * C3 + 2 * C + h * HS;
            for (let i = 0; i < HS; i++) s += dout[d0 + i] * qkv[v0 + i];
          }
          datt[row + t2] = s;
        }
        // Pass 2 (attention_softmax_backward.wgsl): softmax Jacobian, in place, scale folded in.
        let dot = 0;
        for (let t2 = 0; t2 <= t; t2++) dot += att[row + t2] * datt[row + t2];
        for (let t2 = 0; t2 <= t; t2++) datt[row + t2] = scale * att[row + t2] * (datt[row + t2] - dot);
      }
    }
  }
  // Pass 3 (attention_backward.wgsl): one (b,t,c) at a time, its dq, dk and dv, each a sum of its own.
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let c = 0; c < C; c++) {
        const h = Math.floor(c / HS);
        const bh = (b * NH + h) * T * T;
        let dq = 0;
        for (let t2 = 0; t2 <= t; t2++) dq += datt[bh + t * T + t2] * qkv[(b * T + t2) * C3 + C + c];
        // Token t as a key and a value: column t of the (b,h) matrices, rows t1 >= t (causal).
        let dk = 0;
        let dv = 0;
        for (let t1 = t; t1 < T; t1++) {
          dk += datt[bh + t1 * T + t] * qkv[(b * T + t1) * C3 + c];
          dv += att[bh + t1 * T + t] * dout[(b * T + t1) * C + c];
        }
        const tok = (b * T + t) * C3;
        dqkv[tok + c] += dq;
        dqkv[tok + C + c] += dk;
        dqkv[tok + 2 * C + c] += dv;
      }
    }
  }
}
