// Weighted sum reduction: out[0] = sum_n values[n] * weights[n] (the scalar loss the training step
// reports, e.g. per-token losses times mask / count). Mirrors weightedSum in src/ref/weighted_sum.ts.
// Deterministic and race-free: one workgroup; thread i sums n = i, i + WG, ... in order, then a
// fixed-order tree adds the WG partials. Any N (a single workgroup streams ~1e5 values in microseconds).
// Bindings:
//   0 out      array<f32>  (1)  written (overwritten, not accumulated)
//   1 values   array<f32>  (N)
//   2 weights  array<f32>  (N)
//   3 params   uniform     { N }
// Dispatch: exactly one workgroup of WG threads (a power of two).

struct Params { N: u32, }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> values: array<f32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

override WG: u32 = 16;

var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var acc = 0.0;
  for (var n = lid; n < params.N; n += WG) { acc += values[n] * weights[n]; }
  red[lid] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { out[0] = red[0]; }
}
