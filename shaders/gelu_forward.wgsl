// GELU forward, tanh approximation: out = 0.5 x (1 + tanh(s (x + 0.044715 x^3))), s = sqrt(2/pi).
// Mirrors geluForward in src/ref/gelu.ts. Element-wise: no other element is read.
// Bindings (out and inp are f32 for `main`, vec4 for `main4`):
//   0 out     array<f32> / array<vec4f>  (N)  written
//   1 inp     array<f32> / array<vec4f>  (N)
//   2 params  uniform  { N }
// Dispatch, two entry points (src/kernels/gelu.ts picks one by N), wrapping into y when large (grid.ts):
//   main:  any N; one element per thread: ceil(N / WG) workgroups along x.
//   main4: N % 4 == 0; PER vec4s per thread, strided by WG inside the workgroup's block of WG*PER vec4s
//          (neighbouring threads touch neighbouring vec4s): ceil(N/4 / (WG * PER)) workgroups along x.
//          Fewer, wider invocations: on CPU adapters such as SwiftShader the per-invocation cost dominates.

struct Params { N: u32, }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(0) var<storage, read_write> out4: array<vec4f>;
@group(0) @binding(1) var<storage, read> inp: array<f32>;
@group(0) @binding(1) var<storage, read> inp4: array<vec4f>;
@group(0) @binding(2) var<uniform> params: Params;

override WG: u32 = 64;
override PER: u32 = 8; // vec4s per thread in `main4`
const S: f32 = 0.7978845608028654; // sqrt(2/pi)

// tanh of large arguments can overflow in some implementations: clamp, tanh(±10) == ±1 in f32.
fn gelu(x: f32) -> f32 {
  let t = tanh(clamp(S * (x + 0.044715 * x * x * x), -10.0, 10.0));
  return 0.5 * x * (1.0 + t);
}

fn gelu4(x: vec4f) -> vec4f {
  let t = tanh(clamp(S * (x + 0.044715 * x * x * x), vec4f(-10.0), vec4f(10.0)));
  return 0.5 * x * (1.0 + t);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= params.N) { return; }
  out[i] = gelu(inp[i]);
}

@compute @workgroup_size(WG)
fn main4(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n4 = params.N / 4u;
  let base = (wid.x + wid.y * nwg.x) * WG * PER + lid;
  for (var k = 0u; k < PER; k++) {
    let i = base + k * WG;
    if (i < n4) { out4[i] = gelu4(inp4[i]); }
  }
}
