// Zero fill: buf[i] = 0 for i < N. Mirrors zeroBuffer in src/ref/zero.ts.
// Used once per backward to clear every gradient buffer (backward kernels accumulate with +=).
// Each thread clears PER consecutive elements (vec4s in `main4`): fewer invocations per byte, which is
// what costs on CPU adapters such as SwiftShader. The last thread stops at N: nothing past N is written.
// Bindings (buf is read as f32 by `main`, as vec4 by `main4`):
//   0 buf     array<f32> / array<vec4f>  (N)  written; any 4-byte element type (bit pattern 0 is 0
//             in f32, i32 and u32)
//   1 params  uniform  { N }
// Dispatch, two entry points (src/kernels/zero.ts picks one by N), wrapping into y when large (grid.ts):
//   main:  any N; PER elements per thread: ceil(N / (WG * PER)) workgroups along x.
//   main4: N % 4 == 0; PER vec4s per thread: ceil(N/4 / (WG * PER)) workgroups along x.

struct Params { N: u32, }

@group(0) @binding(0) var<storage, read_write> buf: array<f32>;
@group(0) @binding(0) var<storage, read_write> buf4: array<vec4f>;
@group(0) @binding(1) var<uniform> params: Params;

override WG: u32 = 64;
override PER: u32 = 16;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i0 = (gid.x + gid.y * nwg.x * WG) * PER;
  let i1 = min(i0 + PER, params.N);
  for (var i = i0; i < i1; i++) { buf[i] = 0.0; }
}

@compute @workgroup_size(WG)
fn main4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i0 = (gid.x + gid.y * nwg.x * WG) * PER;
  let i1 = min(i0 + PER, params.N / 4u);
  for (var i = i0; i < i1; i++) { buf4[i] = vec4f(0.0); }
}
