// LayerNorm backward, input gradient. With norm = (inp - mean) * rstd and dnorm = weight * dout:
//   dinp += rstd * (dnorm - mean_c(dnorm) - norm * mean_c(dnorm * norm))
// Mirrors the dinp part of layernormBackward in src/ref/layernorm.ts; dweight and dbias come from
// shaders/layernorm_backward_params.wgsl. Like every backward kernel it ACCUMULATES (+=) into dinp.
// Bindings:
//   0 dinp    array<f32>  (N,C)  accumulated (+=)
//   1 dout    array<f32>  (N,C)
//   2 inp     array<f32>  (N,C)  forward input
//   3 weight  array<f32>  (C)
//   4 mean    array<f32>  (N)    saved by the forward
//   5 rstd    array<f32>  (N)    saved by the forward
//   6 params  uniform     { N, C }
// Dispatch, two entry points as in layernorm_forward.wgsl:
//   main: one workgroup of WG threads (a power of two) per row, tree sums in workgroup memory;
//         N workgroups along x, wrapping into y past 65535. For wide rows.
//   rows: one thread per row, no barriers; ceil(N / WG) workgroups along x, wrapping into y.

struct Params { N: u32, C: u32, }

@group(0) @binding(0) var<storage, read_write> dinp: array<f32>;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> inp: array<f32>;
@group(0) @binding(3) var<storage, read> weight: array<f32>;
@group(0) @binding(4) var<storage, read> mean: array<f32>;
@group(0) @binding(5) var<storage, read> rstd: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

override WG: u32 = 64;

var<workgroup> red: array<vec2f, WG>;

// Sum of `x` (two values at once) over the workgroup; every invocation gets the result.
fn blockSum2(lid: u32, x: vec2f) -> vec2f {
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
  let C = params.C;
  let base = row * C;
  let m = mean[row];
  let r = rstd[row];
  // sums of dnorm and dnorm * norm over the row
  var acc = vec2f(0.0);
  for (var c = lid; c < C; c += WG) {
    let norm = (inp[base + c] - m) * r;
    let dnorm = weight[c] * dout[base + c];
    acc += vec2f(dnorm, dnorm * norm);
  }
  let sums = blockSum2(lid, acc) / f32(C);
  for (var c = lid; c < C; c += WG) {
    let norm = (inp[base + c] - m) * r;
    let dnorm = weight[c] * dout[base + c];
    dinp[base + c] = dinp[base + c] + (dnorm - sums.x - norm * sums.y) * r;
  }
}

// One thread per row: the same two passes over the row, sums accumulated in order.
@compute @workgroup_size(WG)
fn rows(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * nwg.x * WG;
  if (row >= params.N) { return; }
  let C = params.C;
  let base = row * C;
  let m = mean[row];
  let r = rstd[row];
  var acc = vec2f(0.0);
  for (var c = 0u; c < C; c++) {
    let norm = (inp[base + c] - m) * r;
    let dnorm = weight[c] * dout[base + c];
    acc += vec2f(dnorm, dnorm * norm);
  }
  let sums = acc / f32(C);
  for (var c = 0u; c < C; c++) {
    let norm = (inp[base + c] - m) * r;
    let dnorm = weight[c] * dout[base + c];
    dinp[base + c] = dinp[base + c] + (dnorm - sums.x - norm * sums.y) * r;
  }
}
