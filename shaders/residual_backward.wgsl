// Residual add backward: dinp1 += dout, dinp2 += dout. Mirrors residualBackward in src/ref/residual.ts.
// Like every backward kernel it ACCUMULATES (+=) into its gradient outputs; the model zeroes them once
// per backward. dinp1, dinp2 and dout must be distinct buffers (WebGPU forbids aliasing a written binding).
// Bindings:
//   0 dinp1   array<f32>  (N)   accumulated (+=)
//   1 dinp2   array<f32>  (N)   accumulated (+=)
//   2 dout    array<f32>  (N)
//   3 params  uniform     { N }
// Dispatch: as residual_forward.wgsl.

struct Params { N: u32, }

@group(0) @binding(0) var<storage, read_write> dinp1: array<f32>;
@group(0) @binding(1) var<storage, read_write> dinp2: array<f32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= params.N) { return; }
  let d = dout[i];
  dinp1[i] = dinp1[i] + d;
  dinp2[i] = dinp2[i] + d;
}
