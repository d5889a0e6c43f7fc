// Residual add: out = inp1 + inp2. Mirrors residualForward in src/ref/residual.ts.
// Bindings (f32 for `main`, vec4 for `main4`):
//   0 out     array<f32> / array<vec4f>  (N)  written
//   1 inp1    array<f32> / array<vec4f>  (N)  the residual stream
//   2 inp2    array<f32> / array<vec4f>  (N)  the branch output
//   3 params  uniform  { N }
// Dispatch, two entry points (src/kernels/residual.ts picks one by N), wrapping into y when large:
//   main:  any N; one element per thread: ceil(N / WG) workgroups along x.
//   main4: N % 4 == 0; PER vec4s per thread, strided by WG inside the workgroup's block of WG*PER vec4s:
//          ceil(N/4 / (WG * PER)) workgroups along x (fewer invocations: what costs on CPU adapters).

struct Params { N: u32, }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(0) var<storage, read_write> out4: array<vec4f>;
@group(0) @binding(1) var<storage, read> inp1: array<f32>;
@group(0) @binding(1) var<storage, read> inp1_4: array<vec4f>;
@group(0) @binding(2) var<storage, read> inp2: array<f32>;
@group(0) @binding(2) var<storage, read> inp2_4: array<vec4f>;
@group(0) @binding(3) var<uniform> params: Params;

override WG: u32 = 64;
override PER: u32 = 8; // vec4s per thread in `main4`

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= params.N) { return; }
  out[i] = inp1[i] + inp2[i];
}

@compute @workgroup_size(WG)
fn main4(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n4 = params.N / 4u;
  let base = (wid.x + wid.y * nwg.x) * WG * PER + lid;
  for (var k = 0u; k < PER; k++) {
    let i = base + k * WG;
    if (i < n4) { out4[i] = inp1_4[i] + inp2_4[i]; }
  }
}
