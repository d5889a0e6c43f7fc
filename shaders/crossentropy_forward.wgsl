// Softmax cross-entropy per row: losses[n] = logsumexp(logits[n,:]) - logits[n, targets[n]], with the
// row max subtracted before exp (stable for logits in the thousands). A negative target marks an
// ignored row: its loss is 0. Targets must be < V. Mirrors crossentropyForward in src/ref/crossentropy.ts.
// Bindings:
//   0 losses   array<f32>  (N)    written
//   1 logits   array<f32>  (N,V)
//   2 targets  array<i32>  (N)
//   3 params   uniform     { N, V }
// Dispatch, two entry points over the same bindings (src/kernels/crossentropy.ts picks one by V):
//   main: one workgroup of WG threads (a power of two) per row, threads striding over V (any V), tree
//         reductions in workgroup memory; N workgroups along x, wrapping into y past 65535. Large V.
//   rows: one thread per row, sequential loops, no workgroup memory and no barriers (barriers are very
//         costly on CPU adapters such as SwiftShader); ceil(N / WG) workgroups, wrapping into y. Small V.

struct Params { N: u32, V: u32, }

@group(0) @binding(0) var<storage, read_write> losses: array<f32>;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<i32>;
@group(0) @binding(3) var<uniform> params: Params;

override WG: u32 = 64;
const LOWEST: f32 = -3.4028234e38;

var<workgroup> red: array<f32, WG>;

// Max of `x` over the workgroup (tree reduction); every invocation gets the result.
fn blockMax(lid: u32, x: f32) -> f32 {
  red[lid] = x;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = max(red[lid], red[lid + s]); }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier(); // red is reused by the next call
  return r;
}

// Sum of `x` over the workgroup; every invocation gets the result.
fn blockSum(lid: u32, x: f32) -> f32 {
  red[lid] = x;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= params.N) { return; }
  let t = targets[row]; // same value in the whole workgroup: the branch below is uniform
  if (t < 0) {
    if (lid == 0u) { losses[row] = 0.0; }
    return;
  }
  let V = params.V;
  let base = row * V;
  var m = LOWEST;
  for (var v = lid; v < V; v += WG) { m = max(m, logits[base + v]); }
  m = blockMax(lid, m);
  var s = 0.0;
  for (var v = lid; v < V; v += WG) { s += exp(logits[base + v] - m); }
  s = blockSum(lid, s);
  if (lid == 0u) { losses[row] = log(s) + m - logits[base + u32(t)]; }
}

// One thread per row: the same passes over the vocabulary, without workgroup reductions.
@compute @workgroup_size(WG)
fn rows(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * nwg.x * WG;
  if (row >= params.N) { return; }
  let t = targets[row];
  if (t < 0) {
    losses[row] = 0.0;
    return;
  }
  let V = params.V;
  let base = row * V;
  var m = LOWEST;
  for (var v = 0u; v < V; v++) { m = max(m, logits[base + v]); }
  var s = 0.0;
  for (var v = 0u; v < V; v++) { s += exp(logits[base + v] - m); }
  losses[row] = log(s) + m - logits[base + u32(t)];
}
