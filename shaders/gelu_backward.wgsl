// GELU backward: dinp += dout * gelu'(inp). Mirrors geluBackward in src/ref/gelu.ts.
// Bindings:
//   0 dinp  array<f32>  (N)   accumulated (+=)
//   1 inp   array<f32>  (N)   forward input
//   2 dout  array<f32>  (N)
//   3 params uniform    { N }
// Dispatch: as gelu_forward.wgsl.

struct Params { N: u32, }

@group(0) @binding(0) var<storage, read_write> dinp: array<f32>;
@group(0) @binding(1) var<storage, read> inp: array<f32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

override WG: u32 = 256;
const S: f32 = 0.7978845608028654;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= params.N) { return; }
  let x = inp[i];
  let t = tanh(clamp(S * (x + 0.044715 * x * x * x), -10.0, 10.0));
  let local = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * S * (1.0 + 3.0 * 0.044715 * x * x);
  dinp[i] = dinp[i] + local * dout[i];
}
