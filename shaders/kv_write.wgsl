// Appends the current position's keys and values to the KV cache: kcache[s,t,:] = k of qkv[s],
// vcache[s,t,:] = v of qkv[s], t = counter[0]. Mirrors kvWrite in src/ref/kv_decode.ts.
// Other positions are untouched; t >= Tmax writes nothing.
// Bindings:
//   0 kcache   array<f32>  (S,Tmax,C)  row t of each sequence written
//   1 vcache   array<f32>  (S,Tmax,C)  row t of each sequence written
//   2 qkv      array<f32>  (S,3C)      per row [q (C) | k (C) | v (C)]
//   3 counter  array<u32>  (1)         the current position t
//   4 params   uniform     { S, C, Tmax }
// Dispatch: one thread per (s,c), ceil(S*C / WG) workgroups along x, wrapping into y.

struct Params { S: u32, C: u32, Tmax: u32, }

@group(0) @binding(0) var<storage, read_write> kcache: array<f32>;
@group(0) @binding(1) var<storage, read_write> vcache: array<f32>;
@group(0) @binding(2) var<storage, read> qkv: array<f32>;
@group(0) @binding(3) var<storage, read> counter: array<u32>;
@group(0) @binding(4) var<uniform> params: Params;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let C = params.C;
  let t = counter[0];
  if (i >= params.S * C || t >= params.Tmax) { return; }
  let s = i / C;
  let c = i % C;
  let dst = (s * params.Tmax + t) * C + c;
  kcache[dst] = qkv[s * 3u * C + C + c];
  vcache[dst] = qkv[s * 3u * C + 2u * C + c];
}
