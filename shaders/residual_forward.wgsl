// Residual add: out = inp1 + inp2. Mirrors residualForward in src/ref/residual.ts.
// Bindings:
//   0 out     array<f32>  (N)   written
//   1 inp1    array<f32>  (N)   the residual stream
//   2 inp2    array<f32>  (N)   the branch output
//   3 params  uniform     { N }
// Dispatch: ceil(N / WG) workgroups along x; workgroups wrap into y when N is large.

struct Params { N: u32, }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> inp1: array<f32>;
@group(0) @binding(2) var<storage, read> inp2: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= params.N) { return; }
  out[i] = inp1[i] + inp2[i];
}
