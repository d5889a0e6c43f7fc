// LayerNorm backward, parameter gradients: dweight[c] += sum_n dout[n,c] * norm[n,c] and
// dbias[c] += sum_n dout[n,c], norm = (inp - mean) * rstd. Mirrors the dweight/dbias part of
// layernormBackward in src/ref/layernorm.ts. Race-free: each column is owned by one workgroup column
// of ROWS threads that split the rows, then a fixed-order tree sums their partials. ACCUMULATES (+=).
// Bindings:
//   0 dweight  array<f32>  (C)    accumulated (+=)
//   1 dbias    array<f32>  (C)    accumulated (+=)
//   2 dout     array<f32>  (N,C)
//   3 inp      array<f32>  (N,C)  forward input
//   4 mean     array<f32>  (N)
//   5 rstd     array<f32>  (N)
//   6 params   uniform     { N, C }
// Dispatch: workgroups of (COLS, ROWS) threads, ROWS a power of two; ceil(C / COLS) workgroups along x.

struct Params { N: u32, C: u32, }

@group(0) @binding(0) var<storage, read_write> dweight: array<f32>;
@group(0) @binding(1) var<storage, read_write> dbias: array<f32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(3) var<storage, read> inp: array<f32>;
@group(0) @binding(4) var<storage, read> mean: array<f32>;
@group(0) @binding(5) var<storage, read> rstd: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

override COLS: u32 = 32;
override ROWS: u32 = 8;

var<workgroup> part: array<vec2f, COLS * ROWS>;

@compute @workgroup_size(COLS, ROWS)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let C = params.C;
  let c = wid.x * COLS + lid.x;
  // (dweight, dbias) partial sums over rows lid.y, lid.y + ROWS, ...
  var acc = vec2f(0.0);
  if (c < C) {
    for (var n = lid.y; n < params.N; n += ROWS) {
      let d = dout[n * C + c];
      acc += vec2f(d * (inp[n * C + c] - mean[n]) * rstd[n], d);
    }
  }
  part[lid.y * COLS + lid.x] = acc;
  workgroupBarrier();
  for (var s = ROWS / 2u; s > 0u; s = s >> 1u) {
    if (lid.y < s) { part[lid.y * COLS + lid.x] = part[lid.y * COLS + lid.x] + part[(lid.y + s) * COLS + lid.x]; }
    workgroupBarrier();
  }
  if (lid.y == 0u && c < C) {
    dweight[c] = dweight[c] + part[lid.x].x;
    dbias[c] = dbias[c] + part[lid.x].y;
  }
}
