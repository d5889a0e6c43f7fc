// CPU reference for KV-cache decoding: embedding, cache write and attention of ONE position per
// sequence. Mirrors shaders/encoder_at.wgsl, shaders/kv_write.wgsl, shaders/attention_decode.wgsl and
// shaders/attention_decode_kv.wgsl (the last two in one), with the same argument order. The position t is counter[0]; t >= Tmax is a no-op, as on the GPU.
// Row t of the full-sequence ops (src/ref/encoder.ts, src/ref/attention.ts) is what these compute.
// Inference only: no backward.

/** Throws unless the shape is one the decode kernels accept. */
export function checkDecodeShape(S: number, C: number, NH: number, Tmax: number): void {
  for (const [k, x] of Object.entries({ S, C, NH, Tmax })) {
    if (!Number.isInteger(x) || x < 1) throw new Error(`decode: ${k} must be a positive integer, got ${x}`);
  }
  if (C % NH !== 0) throw new Error(`decode: C (${C}) must be divisible by NH (${NH})`);
}

/** out (S,C) = wte (V,C)[seqs (S,Tmax)[s,t]] + wpe (maxT,C)[t], t = counter (1)[0]. */
export function encoderAt(
  out: Float32Array, // (S,C)
  seqs: Int32Array, // (S,Tmax)
  counter: Uint32Array, // (1) current position
  wte: Float32Array, // (V,C)
  wpe: Float32Array, // (maxT,C)
  S: number,
  C: number,
  Tmax: number,
): void {
  checkDecodeShape(S, C, 1, Tmax);
  const t = counter[0];
  if (t >= Tmax) return;
  for (let s = 0; s < S; s++) {
    const w = seqs[s * Tmax + t] * C;
    for (let c = 0; c < C; c++) out[s * C + c] = wte[w + c] + wpe[t * C + c];
  }
}

/** kcache (S,Tmax,C)[s,t] = k and vcache (S,Tmax,C)[s,t] = v of qkv (S,3C); other positions untouched. */
export function kvWrite(
  kcache: Float32Array, // (S,Tmax,C)
  vcache: Float32Array, // (S,Tmax,C)
  qkv: Float32Array, // (S,3C) per row [q | k | v]
  counter: Uint32Array, // (1) current position
  S: number,
  C: number,
  Tmax: number,
): void {
  checkDecodeShape(S, C, 1, Tmax);
  const t = counter[0];
  if (t >= Tmax) return;
  for (let s = 0; s < S; s++) {
    const dst = (s * Tmax + t) * C;
    for (let c = 0; c < C; c++) {
      kcache[dst + c] = qkv[s * 3 * C + C + c];
      vcache[dst + c] = qkv[s * 3 * C + 2 * C + c];
    }
  }
}

/**
 * out (S,C) = attention of each row's query (qkv (S,3C), channels 0..C) over cache positions 0..t
 * inclusive, per head h: softmax((q . k_j) / sqrt(HS)) weighted sum of v_j, HS = C / NH.
 */
export function attentionDecode(
  out: Float32Array, // (S,C)
  qkv: Float32Array, // (S,3C)
  kcache: Float32Array, // (S,Tmax,C)
  vcache: Float32Array, // (S,Tmax,C)
  counter: Uint32Array, // (1) current position
  S: number,
  C: number,
  NH: number,
  Tmax: number,
): void {
  checkDecodeShape(S, C, NH, Tmax);
  const t = counter[0];
  if (t >= Tmax) return;
  const HS = C / NH;
  const scale = 1 / Math.sqrt(HS);
  const p = new Float32Array(t + 1);
  for (let s = 0; s < S; s++) {
    for (let h = 0; h < NH; h++) {
      const q0 = s * 3 * C + h * HS;
      const kv0 = s * Tmax * C + h * HS; // position j of this head at kv0 + j * C
      // Scaled dot products with every cached key, and their maximum.
      let m = -Infinity;
      for (let j = 0; j <= t; j++) {
        let d = 0;
        for (let i = 0; i < HS; i++) d += qkv[q0 + i] * kcache[kv0 + j * C + i];
        p[j] = d * scale;
        m = Math.max(m, p[j]);
      }
      // Max-subtracted exponentials; the maximum contributes 1, so z >= 1.
      let z = 0;
      for (let j = 0; j <= t; j++) {
        p[j] = Math.exp(p[j] - m);
        z += p[j];
      }
      // Probability-weighted sum of the cached values, normalised once per output.
      for (let i = 0; i < HS; i++) {
        let acc = 0;
        for (let j = 0; j <= t; j++) acc += p[j] * vcache[kv0 + j * C + i];
        out[s * C + h * HS + i] = acc / z;
      }
    }
  }
}

/** kvWrite, then attentionDecode: the cache append and the attention of shaders/attention_decode_kv.wgsl. */
export function attentionDecodeKv(
  out: Float32Array, // (S,C)
  kcache: Float32Array, // (S,Tmax,C)
  vcache: Float32Array, // (S,Tmax,C)
  qkv: Float32Array, // (S,3C)
  counter: Uint32Array, // (1) current position
  S: number,
  C: number,
  NH: number,
  Tmax: number,
): void {
  kvWrite(kcache, vcache, qkv, counter, S, C, Tmax);
  attentionDecode(out, qkv, kcache, vcache, counter, S, C, NH, Tmax);
}
