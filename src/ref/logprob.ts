// CPU reference for target log-probabilities and softmax entropy (the per-token quantities of the RL
// losses). Mirrors shaders/logprob_forward.wgsl and shaders/logprob_backward.wgsl, same argument order.
//   logp = log p[t],  H = -sum_v p log p
//   d logp / d logits[v] = [v == t] - p[v];  d H / d logits[v] = -p[v] (log p[v] + H)

/** Row statistics: max m, log of S = sum exp(x - m), and the entropy H. */
function rowStats(logits: Float32Array, base: number, V: number): { m: number; logS: number; H: number } {
  let m = -Infinity;
  for (let v = 0; v < V; v++) m = Math.max(m, logits[base + v]);
  let s = 0;
  let sz = 0;
  for (let v = 0; v < V; v++) {
    const z = logits[base + v] - m;
    const e = Math.exp(z);
    s += e;
    if (e > 0) sz += e * z; // a -inf logit adds 0, not NaN
  }
  const logS = Math.log(s);
  return { m, logS, H: logS - sz / s };
}

function checkTarget(t: number, V: number, n: number): void {
  if (t >= V) throw new RangeError(`logprob: target ${t} of row ${n} is >= V = ${V}`);
}

/** logp (N) = log softmax(logits (N,V))[targets (N)], 0 for a negative target; entropy (N) for every row. */
export function logprobForward(
  logp: Float32Array, // (N)
  entropy: Float32Array, // (N)
  logits: Float32Array, // (N,V)
  targets: Int32Array, // (N)
  N: number,
  V: number,
): void {
  for (let n = 0; n < N; n++) {
    const base = n * V;
    const { m, logS, H } = rowStats(logits, base, V);
    const t = targets[n];
    checkTarget(t, V, n);
    entropy[n] = H;
    logp[n] = t >= 0 ? logits[base + t] - m - logS : 0;
  }
}

/** dlogits (N,V) += dlogp (N) * ([v==t] - p) - dentropy (N) * p (log p + H). Accumulates. */
export function logprobBackward(
  dlogits: Float32Array, // (N,V)
  logits: Float32Array, // (N,V)
  targets: Int32Array, // (N)
  dlogp: Float32Array, // (N)
  dentropy: Float32Array, // (N)
  N: number,
  V: number,
): void {
  for (let n = 0; n < N; n++) {
    const base = n * V;
    const { m, logS, H } = rowStats(logits, base, V);
    const t = targets[n];
    checkTarget(t, V, n);
    // an ignored target drops the logp term; the entropy term stays
    const gl = t >= 0 ? dlogp[n] : 0;
    const gh = dentropy[n];
    for (let v = 0; v < V; v++) {
      const lp = logits[base + v] - m - logS;
      const p = Math.exp(lp);
      const dH = p > 0 ? p * (lp + H) : 0;
      dlogits[base + v] += gl * ((v === t ? 1 : 0) - p) - gh * dH;
    }
  }
}
