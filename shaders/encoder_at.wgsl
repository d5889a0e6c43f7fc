// Token + position embedding of ONE position per sequence, for KV-cache decoding:
// out[s,:] = wte[seqs[s,t],:] + wpe[t,:] with t = counter[0]. Mirrors encoderAt in src/ref/kv_decode.ts.
// The position is read from a GPU counter, so many decode steps fit in one command buffer without
// uniform writes. t >= Tmax writes nothing. Tokens must lie in [0, V); an out-of-range token reads a
// clamped (wrong) row, never out of bounds.
// Bindings:
//   0 out      array<f32>  (S,C)     written
//   1 seqs     array<i32>  (S,Tmax)  token ids; column t is read
//   2 counter  array<u32>  (1)       the current position t
//   3 wte      array<f32>  (V,C)
//   4 wpe      array<f32>  (maxT,C)  row t is read
//   5 params   uniform     { S, C, Tmax }
// Dispatch: one thread per output element, ceil(S*C / WG) workgroups along x, wrapping into y.

struct Params { S: u32, C: u32, Tmax: u32, }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> seqs: array<i32>;
@group(0) @binding(2) var<storage, read> counter: array<u32>;
@group(0) @binding(3) var<storage, read> wte: array<f32>;
@group(0) @binding(4) var<storage, read> wpe: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let C = params.C;
  let t = counter[0];
  if (i >= params.S * C || t >= params.Tmax) { return; }
  let s = i / C;
  let c = i % C;
  let v = u32(seqs[s * params.Tmax + t]);
  out[i] = wte[v * C + c] + wpe[t * C + c];
}
