// GELU forward, tanh approximation. Mirrors geluForward in src/ref/gelu.ts.
// Bindings:
//   0 out  array<f32>  (N)   written
//   1 inp  array<f32>  (N)
//   2 params uniform   { N }
// Dispatch: ceil(N / WG) workgroups along x; workgroups wrap into y when N is large.

struct Params { N: u32, }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> inp: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

override WG: u32 = 256;
const S: f32 = 0.7978845608028654; // sqrt(2/pi)

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= params.N) { return; }
  let x = inp[i];
  // tanh of large arguments can overflow in some implementations: clamp, tanh(±10) == ±1 in f32.
  let t = tanh(clamp(S * (x + 0.044715 * x * x * x), -10.0, 10.0));
  out[i] = 0.5 * x * (1.0 + t);
}
