// Softmax cross-entropy backward: dlogits[n,v] += dlosses[n] * (softmax(logits[n])[v] - [v == targets[n]]).
// dlosses carries the per-token loss weight (mask / count). Rows with a negative target contribute
// nothing. Mirrors crossentropyBackward in src/ref/crossentropy.ts. Like every backward kernel it
// ACCUMULATES (+=) into dlogits; the softmax is recomputed here rather than stored (N*V floats).
// Bindings:
//   0 dlogits  array<f32>  (N,V)  accumulated (+=)
//   1 logits   array<f32>  (N,V)
//   2 targets  array<i32>  (N)
//   3 dlosses  array<f32>  (N)
//   4 params   uniform     { N, V }
// Dispatch, two entry points as in crossentropy_forward.wgsl:
//   main: one workgroup of WG threads (a power of two) per row, tree reductions in workgroup memory;
//         N workgroups along x, wrapping into y past 65535. Large V.
//   rows: one thread per row, no barriers; ceil(N / WG) workgroups along x, wrapping into y. Small V.

struct Params { N: u32, V: u32, }

@group(0) @binding(0) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<i32>;
@group(0) @binding(3) var<storage, read> dlosses: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

override WG: u32 = 64;
const LOWEST: f32 = -3.4028234e38;

var<workgroup> red: array<f32, WG>;

fn blockMax(lid: u32, x: f32) -> f32 {
  red[lid] = x;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = max(red[lid], red[lid + s]); }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

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
  let t = targets[row];
  if (t < 0) { return; } // ignored row, uniform across the workgroup
  let V = params.V;
  let base = row * V;
  var m = LOWEST;
  for (var v = lid; v < V; v += WG) { m = max(m, logits[base + v]); }
  m = blockMax(lid, m);
  var s = 0.0;
  for (var v = lid; v < V; v += WG) { s += exp(logits[base + v] - m); }
  let inv = 1.0 / blockSum(lid, s);
  let dl = dlosses[row];
  for (var v = lid; v < V; v += WG) {
    let p = exp(logits[base + v] - m) * inv;
    let onehot = select(0.0, 1.0, v == u32(t));
    dlogits[base + v] = dlogits[base + v] + dl * (p - onehot);
  }
}

// One thread per row: the same passes over the vocabulary, without workgroup reductions.
@compute @workgroup_size(WG)
fn rows(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * nwg.x * WG;
  if (row >= params.N) { return; }
  let t = targets[row];
  if (t < 0) { return; } // ignored row
  let V = params.V;
  let base = row * V;
  var m = LOWEST;
  for (var v = 0u; v < V; v++) { m = max(m, logits[base + v]); }
  var s = 0.0;
  for (var v = 0u; v < V; v++) { s += exp(logits[base + v] - m); }
  let inv = 1.0 / s;
  let dl = dlosses[row];
  for (var v = 0u; v < V; v++) {
    let p = exp(logits[base + v] - m) * inv;
    let onehot = select(0.0, 1.0, v == u32(t));
    dlogits[base + v] = dlogits[base + v] + dl * (p - onehot);
  }
}
