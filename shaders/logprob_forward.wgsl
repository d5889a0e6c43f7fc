// Log-probability of target tokens and entropy of the softmax over the vocabulary, per row:
//   logp[n] = logits[n,t] - m - log S,  S = sum_v exp(logits[n,v] - m),  m = row max
//   entropy[n] = -sum_v p log p = log S - (1/S) sum_v exp(logits[n,v] - m) (logits[n,v] - m)
// A negative target gives logp 0; the entropy is computed for every row. Targets must be < V.
// No temperature: callers scale logits themselves. Mirrors logprobForward in src/ref/logprob.ts.
// Bindings:
//   0 logp     array<f32>  (N)    written
//   1 entropy  array<f32>  (N)    written
//   2 logits   array<f32>  (N,V)
//   3 targets  array<i32>  (N)
//   4 params   uniform     { N, V }
// Dispatch, two entry points over the same bindings (src/kernels/logprob.ts picks one by V):
//   main: one workgroup of WG threads (a power of two) per row, threads striding over V (any V), tree
//         reductions in workgroup memory; N workgroups along x, wrapping into y past 65535. Large V.
//   rows: one thread per row, sequential loops, no workgroup memory and no barriers (barriers are very
//         costly on CPU adapters such as SwiftShader); ceil(N / WG) workgroups, wrapping into y. Small V.

struct Params { N: u32, V: u32, }

@group(0) @binding(0) var<storage, read_write> logp: array<f32>;
@group(0) @binding(1) var<storage, read_write> entropy: array<f32>;
@group(0) @binding(2) var<storage, read> logits: array<f32>;
@group(0) @binding(3) var<storage, read> targets: array<i32>;
@group(0) @binding(4) var<uniform> params: Params;

override WG: u32 = 64;
const LOWEST: f32 = -3.4028234e38;

var<workgroup> redMax: array<f32, WG>;
var<workgroup> redSum: array<vec2f, WG>;

// Max of `x` over the workgroup (tree reduction); every invocation gets the result.
fn blockMax(lid: u32, x: f32) -> f32 {
  redMax[lid] = x;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) { redMax[lid] = max(redMax[lid], redMax[lid + s]); }
    workgroupBarrier();
  }
  return redMax[0];
}

// Sum of `x` (two values at once) over the workgroup; every invocation gets the result.
fn blockSum2(lid: u32, x: vec2f) -> vec2f {
  redSum[lid] = x;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) { redSum[lid] = redSum[lid] + redSum[lid + s]; }
    workgroupBarrier();
  }
  return redSum[0];
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= params.N) { return; }
  let V = params.V;
  let base = row * V;
  var m = LOWEST;
  for (var v = lid; v < V; v += WG) { m = max(m, logits[base + v]); }
  m = blockMax(lid, m);
  // (S, sum e * (x - m)); e == 0 terms are skipped so that a -inf logit adds 0, not NaN
  var acc = vec2f(0.0);
  for (var v = lid; v < V; v += WG) {
    let z = logits[base + v] - m;
    let e = exp(z);
    acc += vec2f(e, select(0.0, e * z, e > 0.0));
  }
  let sums = blockSum2(lid, acc);
  if (lid == 0u) {
    let logS = log(sums.x);
    entropy[row] = logS - sums.y / sums.x;
    let t = targets[row];
    logp[row] = select(0.0, logits[base + u32(max(t, 0))] - m - logS, t >= 0);
  }
}

// One thread per row: the same passes over the vocabulary, without workgroup reductions.
@compute @workgroup_size(WG)
fn rows(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * nwg.x * WG;
  if (row >= params.N) { return; }
  let V = params.V;
  let base = row * V;
  var m = LOWEST;
  for (var v = 0u; v < V; v++) { m = max(m, logits[base + v]); }
  var acc = vec2f(0.0);
  for (var v = 0u; v < V; v++) {
    let z = logits[base + v] - m;
    let e = exp(z);
    acc += vec2f(e, select(0.0, e * z, e > 0.0));
  }
  let logS = log(acc.x);
  entropy[row] = logS - acc.y / acc.x;
  let t = targets[row];
  logp[row] = select(0.0, logits[base + u32(max(t, 0))] - m - logS, t >= 0);
}
