// CPU reference for GPU token sampling. Mirrors shaders/sample.wgsl, with the same argument order as
// src/kernels/sample.ts. The random number is bit-exact with the GPU (same hash); the truncation sorts
// instead of the GPU's threshold search, which selects the same set, and sums in float64, so GPU and
// CPU pick the same token except where u falls within float error of a cumulative-probability boundary.
// Not the rollout bookkeeping (appending tokens, ending rows): that is src/ref/rollout_advance.ts.

/** Decoding settings of one sampling call. */
export interface SampleParams {
  temperature: number; // softmax(logits / T); T <= 1e-6 is greedy argmax (lowest index on ties)
  topK: number; // keep the k most likely tokens (ties at the k-th value are all kept); 0 = off
  topP: number; // then the smallest most-likely set with mass >= topP (ties kept); >= 1 = off
  seed: number; // u32; with the row and the step counter it fixes every random draw
}

/** PCG output hash (RXS-M-XS) of a u32, as pcg() in shaders/sample.wgsl. */
export function pcgHash(v: number): number {
  const s = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const w = Math.imul(((s >>> ((s >>> 28) + 4)) ^ s) >>> 0, 277803737) >>> 0;
  return ((w >>> 22) ^ w) >>> 0;
}

/** The uniform draw in [0, 1) for one row at one decode step: 24 random bits, exact in float32. */
export function rngUniform(seed: number, row: number, counter: number): number {
  const h = pcgHash((pcgHash((pcgHash(seed) ^ row) >>> 0) ^ counter) >>> 0);
  return (h >>> 8) / 16777216;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Order-preserving u32 key of a float32 (larger float, larger key; -0 and +0 share a key). */
export function floatKey(x: number): number {
  f32[0] = x;
  let b = u32[0];
  if (b === 0x80000000) b = 0;
  return (b & 0x80000000 ? ~b : b | 0x80000000) >>> 0;
}

/** Index of the largest logit, lowest index on ties. */
function argmax(row: Float32Array, V: number): number {
  let best = 0;
  for (let i = 1; i < V; i++) if (row[i] > row[best]) best = i;
  return best;
}

/**
 * probs (V) = softmax(row / T) restricted to the top-k, then to the top-p nucleus, renormalised;
 * zero outside the kept set. T <= 1e-6 gives a one-hot argmax.
 */
export function truncatedProbs(
  row: Float32Array, // (V) logits of one row
  V: number,
  p: SampleParams,
): Float64Array {
  const probs = new Float64Array(V);
  if (p.temperature <= 1e-6) {
    probs[argmax(row, V)] = 1;
    return probs;
  }
  let m = -Infinity;
  for (let i = 0; i < V; i++) m = Math.max(m, row[i]);
  const keys = Array.from({ length: V }, (_, i) => floatKey(row[i]));
  const order = keys.map((_, i) => i).sort((a, b) => keys[b] - keys[a]); // most likely first
  // top-k: keep every token whose logit is at least the k-th largest
  let tau = 0;
  if (p.topK > 0 && p.topK < V) tau = keys[order[p.topK - 1]];
  const e = new Float64Array(V);
  let Zk = 0;
  for (let i = 0; i < V; i++) {
    if (keys[i] >= tau) e[i] = Math.exp((row[i] - m) / p.temperature);
    Zk += e[i];
  }
  // top-p: the first prefix of the sorted kept tokens whose mass reaches topP; its last key is the threshold
  if (p.topP < 1) {
    let cum = 0;
    let tauP = keys[order[0]];
    for (const i of order) {
      if (keys[i] < tau) break;
      cum += e[i];
      tauP = keys[i];
      if (cum >= p.topP * Zk) break;
    }
    tau = tauP;
  }
  let Z = 0;
  for (let i = 0; i < V; i++) {
    if (keys[i] < tau) e[i] = 0;
    Z += e[i];
  }
  for (let i = 0; i < V; i++) probs[i] = e[i] / Z;
  return probs;
}

/** One token from a row of logits for the uniform draw u: inverse CDF over the kept set, in index order. */
export function sampleRow(row: Float32Array /* (V) */, V: number, p: SampleParams, u: number): number {
  if (p.temperature <= 1e-6) return argmax(row, V);
  const probs = truncatedProbs(row, V, p);
  let acc = 0;
  let last = 0;
  for (let i = 0; i < V; i++) {
    if (probs[i] <= 0) continue;
    acc += probs[i];
    last = i;
    if (acc > u) return i;
  }
  return last; // u within rounding of 1: the last token with mass
}

/** next (S) = one token per row of logits (S,V), drawn with u = rngUniform(seed, row, counter[0]). */
export function sampleTokens(
  next: Int32Array, // (S) written
  logits: Float32Array, // (S,V)
  counter: Uint32Array, // (1) decode-step counter, read
  S: number,
  V: number,
  p: SampleParams,
): void {
  for (let s = 0; s < S; s++) {
    const u = rngUniform(p.seed, s, counter[0]);
    next[s] = sampleRow(logits.subarray(s * V, (s + 1) * V), V, p, u);
  }
}
