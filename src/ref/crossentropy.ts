// CPU reference for softmax cross-entropy with per-token weights. Mirrors
// shaders/crossentropy_forward.wgsl and shaders/crossentropy_backward.wgsl, with the same argument order.
//   loss[n] = log sum_v exp(logits[n,v] - m) + m - logits[n, t],  m = max_v logits[n,v]
//   dlogits[n,v] += dlosses[n] * (p[n,v] - [v == t]);  a negative target t ignores the row.

function checkTarget(t: number, V: number, n: number): void {
  if (t >= V) throw new RangeError(`crossentropy: target ${t} of row ${n} is >= V = ${V}`);
}

/** losses (N) = -log softmax(logits (N,V))[targets (N)]; 0 where the target is negative. */
export function crossentropyForward(
  losses: Float32Array, // (N)
  logits: Float32Array, // (N,V)
  targets: Int32Array, // (N)
  N: number,
  V: number,
): void {
  for (let n = 0; n < N; n++) {
    const t = targets[n];
    if (t < 0) {
      losses[n] = 0;
      continue;
    }
    checkTarget(t, V, n);
    const base = n * V;
    let m = -Infinity;
    for (let v = 0; v < V; v++) m = Math.max(m, logits[base + v]);
    // the max is subtracted so exp never overflows
    let s = 0;
    for (let v = 0; v < V; v++) s += Math.exp(logits[base + v] - m);
    losses[n] = Math.log(s) + m - logits[base + t];
  }
}

/** dlogits (N,V) += dlosses (N) * (softmax(logits (N,V)) - onehot(targets (N))). Accumulates. */
export function crossentropyBackward(
  dlogits: Float32Array, // (N,V)
  logits: Float32Array, // (N,V)
  targets: Int32Array, // (N)
  dlosses: Float32Array, // (N)
  N: number,
  V: number,
): void {
  for (let n = 0; n < N; n++) {
    const t = targets[n];
    if (t < 0) continue; // ignored row: no gradient
    checkTarget(t, V, n);
    const base = n * V;
    let m = -Infinity;
    for (let v = 0; v < V; v++) m = Math.max(m, logits[base + v]);
    let s = 0;
    for (let v = 0; v < V; v++) s += Math.exp(logits[base + v] - m);
    for (let v = 0; v < V; v++) {
      const p = Math.exp(logits[base + v] - m) / s;
      dlogits[base + v] += dlosses[n] * (p - (v === t ? 1 : 0));
    }
  }
}
