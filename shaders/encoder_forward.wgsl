// Token + position embedding: out[b,t,:] = wte[tokens[b,t],:] + wpe[t,:]. Mirrors encoderForward in
// src/ref/encoder.ts. Tokens must lie in [0, V); an out-of-range token reads a clamped (wrong) row, never
// out of bounds.
// Bindings:
//   0 out     array<f32>  (B,T,C)   written
//   1 tokens  array<i32>  (B,T)
//   2 wte     array<f32>  (V,C)
//   3 wpe     array<f32>  (maxT,C)  rows 0..T-1 are read
//   4 params  uniform     { B, T, C }
// Dispatch: one thread per output element, ceil(B*T*C / WG) workgroups along x, wrapping into y.

struct Params { B: u32, T: u32, C: u32, }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> tokens: array<i32>;
@group(0) @binding(2) var<storage, read> wte: array<f32>;
@group(0) @binding(3) var<storage, read> wpe: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let C = params.C;
  if (i >= params.B * params.T * C) { return; }
  let bt = i / C;
  let c = i % C;
  let t = bt % params.T;
  let v = u32(tokens[bt]);
  out[i] = wte[v * C + c] + wpe[t * C + c];
}
