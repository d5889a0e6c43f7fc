// Zero fill: buf[i] = 0 for i < N. Mirrors zeroBuffer in src/ref/zero.ts.
// Used once per backward to clear every gradient buffer (backward kernels accumulate with +=).
// Each thread clears PER consecutive elements: fewer invocations per byte, which is what costs on CPU
// adapters (SwiftShader); the last thread stops at N, so any N works.
// Bindings:
//   0 buf     array<f32>  (N)   written (any 4-byte element type: the bit pattern 0 is 0 for f32, i32, u32)
//   1 params  uniform     { N }
// Dispatch: ceil(N / (WG * PER)) workgroups along x; workgroups wrap into y when N is large (src/kernels/grid.ts).

struct Params { N: u32, }

@group(0) @binding(0) var<storage, read_write> buf: array<f32>;
@group(0) @binding(1) var<uniform> params: Params;

override WG: u32 = 256;
override PER: u32 = 4;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i0 = (gid.x + gid.y * nwg.x * WG) * PER;
  let i1 = min(i0 + PER, params.N);
  for (var i = i0; i < i1; i++) { buf[i] = 0.0; }
}
