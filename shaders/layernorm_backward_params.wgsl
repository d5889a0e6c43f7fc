// LayerNorm backward, parameter gradients: dweight[c] += sum_n dout[n,c] * norm[n,c] and
// dbias[c] += sum_n dout[n,c], norm = (inp - mean) * rstd. Mirrors the dweight/dbias part of
// layernormBackward in src/ref/layernorm.ts. Race-free: each column has one owner (main: a workgroup
// column of ROWS threads that split the rows, then a fixed-order tree sums their partials; cols: one
// thread). Like every backward kernel it ACCUMULATES (+=) into dweight and dbias.
// Bindings:
//   0 dweight  array<f32>  (C)    accumulated (+=)
//   1 dbias    array<f32>  (C)    accumulated (+=)
//   2 dout     array<f32>  (N,C)
//   3 inp      array<f32>  (N,C)  forward input
//   4 mean     array<f32>  (N)
//   5 rstd     array<f32>  (N)
//   6 params   uniform     { N, C }
// Dispatch, two entry points over the same bindings (src/kernels/layernorm.ts picks one by C):
//   main: workgroups of (COLS, ROWS) threads, ROWS a power of two; ceil(C / COLS) workgroups along x.
//   cols: one thread per column summing all N rows in order, no workgroup memory and no barriers
//         (barriers are very costly on CPU adapters); workgroups of COLS threads, ceil(C / COLS) along x.

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

// One thread per column: the rows are summed in order, as the reference does.
@compute @workgroup_size(COLS)
fn cols(@builtin(global_invocation_id) gid: vec3u) {
  let C = params.C;
  let c = gid.x;
  if (c >= C) { return; }
  var acc = vec2f(0.0);
  for (var n = 0u; n < params.N; n++) {
    let d = dout[n * C + c];
    acc += vec2f(d * (inp[n * C + c] - mean[n]) * rstd[n], d);
  }
  dweight[c] = dweight[c] + acc.x;
  dbias[c] = dbias[c] + acc.y;
}
