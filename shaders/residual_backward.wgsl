// Residual add backward: dinp1 += dout, dinp2 += dout. Mirrors residualBackward in src/ref/residual.ts.
// Like every backward kernel it ACCUMULATES (+=) into its gradient outputs; the model zeroes them once
// per backward. dinp1, dinp2 and dout must be distinct buffers (WebGPU forbids aliasing a written binding).
// Bindings (f32 for `main`, vec4 for `main4`):
//   0 dinp1   array<f32> / array<vec4f>  (N)  accumulated (+=)
//   1 dinp2   array<f32> / array<vec4f>  (N)  accumulated (+=)
//   2 dout    array<f32> / array<vec4f>  (N)
//   3 params  uniform  { N }
// Dispatch: as residual_forward.wgsl (`main` one element per thread, `main4` PER vec4s per thread).

struct Params { N: u32, }

@group(0) @binding(0) var<storage, read_write> dinp1: array<f32>;
@group(0) @binding(0) var<storage, read_write> dinp1_4: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> dinp2: array<f32>;
@group(0) @binding(1) var<storage, read_write> dinp2_4: array<vec4f>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> dout4: array<vec4f>;
@group(0) @binding(3) var<uniform> params: Params;

override WG: u32 = 64;
override PER: u32 = 8; // vec4s per thread in `main4`

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= params.N) { return; }
  let d = dout[i];
  dinp1[i] = dinp1[i] + d;
  dinp2[i] = dinp2[i] + d;
}

@compute @workgroup_size(WG)
fn main4(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n4 = params.N / 4u;
  let base = (wid.x + wid.y * nwg.x) * WG * PER + lid;
  for (var k = 0u; k < PER; k++) {
    let i = base + k * WG;
    if (i < n4) {
      let d = dout4[i];
      dinp1_4[i] = dinp1_4[i] + d;
      dinp2_4[i] = dinp2_4[i] + d;
    }
  }
}
