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
// Dispatch: one workgroup of WG threads (a power of two) per row, threads striding over C;
//   N workgroups along x, wrapping into y past 65535.

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
