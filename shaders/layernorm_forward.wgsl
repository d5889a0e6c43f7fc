// LayerNorm forward (GPT-2 / llm.c): per row, mean and biased variance over C, eps = 1e-5,
// out = (inp - mean) * rstd * weight + bias; mean and rstd are saved for the backward.
// Mirrors layernormForward in src/ref/layernorm.ts. Two passes over the row (mean, then centred
// squares) for accuracy.
// Bindings:
//   0 out     array<f32>  (N,C)  written
//   1 mean    array<f32>  (N)    written
//   2 rstd    array<f32>  (N)    written
//   3 inp     array<f32>  (N,C)
//   4 weight  array<f32>  (C)
//   5 bias    array<f32>  (C)
//   6 params  uniform     { N, C }
// Dispatch, two entry points over the same bindings (src/kernels/layernorm.ts picks one by C):
//   main: one workgroup of WG threads (a power of two) per row, threads striding over C, tree sums in
//         workgroup memory; N workgroups along x, wrapping into y past 65535. For wide rows.
//   rows: one thread per row, sequential sums, no workgroup memory and no barriers (barriers are
//         very costly on CPU adapters such as SwiftShader); ceil(N / WG) workgroups, wrapping into y.

struct Params { N: u32, C: u32, }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read_write> mean: array<f32>;
@group(0) @binding(2) var<storage, read_write> rstd: array<f32>;
@group(0) @binding(3) var<storage, read> inp: array<f32>;
@group(0) @binding(4) var<storage, read> weight: array<f32>;
@group(0) @binding(5) var<storage, read> bias: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

override WG: u32 = 64;
const EPS: f32 = 1e-5;

var<workgroup> red: array<f32, WG>;

// Sum of `x` over the workgroup (tree reduction); every invocation gets the result.
fn blockSum(lid: u32, x: f32) -> f32 {
  red[lid] = x;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier(); // red is reused by the next call
  return r;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= params.N) { return; } // uniform: the whole workgroup leaves
  let C = params.C;
  let base = row * C;
  var s = 0.0;
  for (var c = lid; c < C; c += WG) { s += inp[base + c]; }
  let m = blockSum(lid, s) / f32(C);
  var q = 0.0;
  for (var c = lid; c < C; c += WG) {
    let d = inp[base + c] - m;
    q += d * d;
  }
  let r = 1.0 / sqrt(blockSum(lid, q) / f32(C) + EPS);
  for (var c = lid; c < C; c += WG) {
    out[base + c] = (inp[base + c] - m) * r * weight[c] + bias[c];
  }
  if (lid == 0u) {
    mean[row] = m;
    rstd[row] = r;
  }
}

// One thread per row: the same two passes, summed in order; no workgroup memory is touched.
@compute @workgroup_size(WG)
fn rows(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * nwg.x * WG;
  if (row >= params.N) { return; }
  let C = params.C;
  let base = row * C;
  var s = 0.0;
  for (var c = 0u; c < C; c++) { s += inp[base + c]; }
  let m = s / f32(C);
  var q = 0.0;
  for (var c = 0u; c < C; c++) {
    let d = inp[base + c] - m;
    q += d * d;
  }
  let r = 1.0 / sqrt(q / f32(C) + EPS);
  for (var c = 0u; c < C; c++) {
    out[base + c] = (inp[base + c] - m) * r * weight[c] + bias[c];
  }
  mean[row] = m;
  rstd[row] = r;
}
