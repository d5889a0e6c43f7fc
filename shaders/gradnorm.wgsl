// Squared global gradient norm, sum_i grads[i]^2, as a deterministic two-stage reduction. Mirrors
// gradNormSquared in src/ref/gradnorm.ts. Same bindings for both entry points, bound differently:
//   `partial`: dst = partials, src = grads (n = N); workgroup g sums the squares of its chunk of
//              WG*ITEMS elements into partials[g].
//   `total`:   dst = out (1), src = partials (n = number of chunks); one workgroup sums them into out[0].
// The summation order depends only on n, WG and ITEMS, so equal inputs give bit-equal results.
// Bindings:
//   0 dst  array<f32>  (ceil(N/(WG*ITEMS))) or (1)   written
//   1 src  array<f32>  (N) or (ceil(N/(WG*ITEMS)))
//   2 params uniform   { n }
// Dispatch: `partial`: one workgroup per chunk along x, wrapping into y; `total`: a single workgroup.
// WG must be a power of two (tree reduction in workgroup memory).

struct Params { n: u32, }

@group(0) @binding(0) var<storage, read_write> dst: array<f32>;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

override WG: u32 = 16;
override ITEMS: u32 = 256; // elements per thread in `partial`: a chunk is WG * ITEMS elements

var<workgroup> acc: array<f32, WG>;

// Tree-sums acc[0..WG) into acc[0]. Called from uniform control flow by every invocation.
fn reduceWorkgroup(lid: u32) {
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    workgroupBarrier();
    if (lid < s) { acc[lid] += acc[lid + s]; }
  }
  workgroupBarrier();
}

@compute @workgroup_size(WG)
fn partial(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u,
           @builtin(num_workgroups) nwg: vec3u) {
  let g = wid.x + wid.y * nwg.x;
  let chunk = WG * ITEMS;
  if (g * chunk >= params.n) { return; } // padding workgroup of a wrapped grid: uniform per workgroup
  let base = g * chunk + lid;
  var s = 0.0;
  for (var k = 0u; k < ITEMS; k++) {
    let i = base + k * WG; // consecutive threads read consecutive elements
    if (i < params.n) {
      let x = src[i];
      s += x * x;
    }
  }
  acc[lid] = s;
  reduceWorkgroup(lid);
  if (lid == 0u) { dst[g] = acc[0]; }
}

@compute @workgroup_size(WG)
fn total(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  for (var i = lid; i < params.n; i += WG) {
    s += src[i];
  }
  acc[lid] = s;
  reduceWorkgroup(lid);
  if (lid == 0u) { dst[0] = acc[0]; }
}
