// Backward of logprob_forward.wgsl. With p = softmax(logits[n]), t = targets[n], H = entropy[n]:
//   dlogits[n,v] += dlogp[n] * ([v == t] - p[v])  -  dentropy[n] * p[v] * (log p[v] + H)
// A negative target drops the dlogp term only; the entropy term applies to every row. Softmax and H are
// recomputed from logits. Mirrors logprobBackward in src/ref/logprob.ts. Like every backward kernel
// it ACCUMULATES (+=) into dlogits.
// Bindings:
//   0 dlogits   array<f32>  (N,V)  accumulated (+=)
//   1 logits    array<f32>  (N,V)
//   2 targets   array<i32>  (N)
//   3 dlogp     array<f32>  (N)
//   4 dentropy  array<f32>  (N)
//   5 params    uniform     { N, V }
// Dispatch, two entry points as in logprob_forward.wgsl:
//   main: one workgroup of WG threads (a power of two) per row, tree reductions in workgroup memory;
//         N workgroups along x, wrapping into y past 65535. Large V.
//   rows: one thread per row, no barriers; ceil(N / WG) workgroups along x, wrapping into y. Small V.

struct Params { N: u32, V: u32, }

@group(0) @binding(0) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<i32>;
@group(0) @binding(3) var<storage, read> dlogp: array<f32>;
@group(0) @binding(4) var<storage, read> dentropy: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

override WG: u32 = 64;
const LOWEST: f32 = -3.4028234e38;

var<workgroup> redMax: array<f32, WG>;
var<workgroup> redSum: array<vec2f, WG>;

fn blockMax(lid: u32, x: f32) -> f32 {
  redMax[lid] = x;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) { redMax[lid] = max(redMax[lid], redMax[lid + s]); }
    workgroupBarrier();
  }
  return redMax[0];
}

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
  var acc = vec2f(0.0);
  for (var v = lid; v < V; v += WG) {
    let z = logits[base + v] - m;
    let e = exp(z);
    acc += vec2f(e, select(0.0, e * z, e > 0.0));
  }
  let sums = blockSum2(lid, acc);
  let logS = log(sums.x);
  let H = logS - sums.y / sums.x;
  let t = targets[row];
  let gl = select(0.0, dlogp[row], t >= 0);
  let gh = dentropy[row];
  for (var v = lid; v < V; v += WG) {
    let lp = logits[base + v] - m - logS;
    let p = exp(lp);
    let onehot = select(0.0, 1.0, i32(v) == t);
    let dH = select(0.0, p * (lp + H), p > 0.0);
    dlogits[base + v] = dlogits[base + v] + gl * (onehot - p) - gh * dH;
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
  let H = logS - acc.y / acc.x;
  let t = targets[row];
  let gl = select(0.0, dlogp[row], t >= 0);
  let gh = dentropy[row];
  for (var v = 0u; v < V; v++) {
    let lp = logits[base + v] - m - logS;
    let p = exp(lp);
    let onehot = select(0.0, 1.0, i32(v) == t);
    let dH = select(0.0, p * (lp + H), p > 0.0);
    dlogits[base + v] = dlogits[base + v] + gl * (onehot - p) - gh * dH;
  }
}
