// GELU backward: dinp += dout * gelu'(inp), tanh approximation, with t = tanh(s (x + 0.044715 x^3)):
//   gelu'(x) = 0.5 (1 + t) + 0.5 x (1 - t^2) s (1 + 3 * 0.044715 x^2),  s = sqrt(2/pi).
// Mirrors geluBackward in src/ref/gelu.ts. Like every backward kernel it ACCUMULATES (+=) into dinp;
// the model zeroes every gradient buffer once at the start of each backward.
// Bindings (f32 for `main`, vec4 for `main4`):
//   0 dinp    array<f32> / array<vec4f>  (N)  accumulated (+=)
//   1 inp     array<f32> / array<vec4f>  (N)  forward input
//   2 dout    array<f32> / array<vec4f>  (N)
//   3 params  uniform  { N }
// Dispatch: as gelu_forward.wgsl (`main` one element per thread, `main4` PER vec4s per thread).

struct Params { N: u32, }

@group(0) @binding(0) var<storage, read_write> dinp: array<f32>;
@group(0) @binding(0) var<storage, read_write> dinp4: array<vec4f>;
@group(0) @binding(1) var<storage, read> inp: array<f32>;
@group(0) @binding(1) var<storage, read> inp4: array<vec4f>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> dout4: array<vec4f>;
@group(0) @binding(3) var<uniform> params: Params;

override WG: u32 = 64;
override PER: u32 = 8; // vec4s per thread in `main4`
const S: f32 = 0.7978845608028654;

fn dgelu(x: f32) -> f32 {
  let t = tanh(clamp(S * (x + 0.044715 * x * x * x), -10.0, 10.0));
  return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * S * (1.0 + 3.0 * 0.044715 * x * x);
}

fn dgelu4(x: vec4f) -> vec4f {
  let t = tanh(clamp(S * (x + 0.044715 * x * x * x), vec4f(-10.0), vec4f(10.0)));
  return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * S * (1.0 + 3.0 * 0.044715 * x * x);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= params.N) { return; }
  dinp[i] = dinp[i] + dgelu(inp[i]) * dout[i];
}

@compute @workgroup_size(WG)
fn main4(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n4 = params.N / 4u;
  let base = (wid.x + wid.y * nwg.x) * WG * PER + lid;
  for (var k = 0u; k < PER; k++) {
    let i = base + k * WG;
    if (i < n4) { dinp4[i] = dinp4[i] + dgelu4(inp4[i]) * dout4[i]; }
  }
}
