// Embedding backward: dwte[v,:] += sum of dout[b,t,:] over (b,t) with tokens[b,t] == v, and
// dwpe[t,:] += sum over b of dout[b,t,:]. Mirrors encoderBackward in src/ref/encoder.ts.
// Race-free and deterministic without atomics: each output element has exactly one owner thread, which
// adds its contributions in the reference's order ((b,t) ascending). A thread owns a chunk of CH
// channels of one row, so one scan of the tokens serves CH channels: O((V+T) * C/CH * B*T) compares
// plus O(B*T*C) adds, meant for small vocabularies. Like every backward kernel it ACCUMULATES (+=).
// Bindings:
//   0 dwte    array<f32>  (V,C)     accumulated (+=)
//   1 dwpe    array<f32>  (maxT,C)  accumulated (+=), rows 0..T-1
//   2 dout    array<f32>  (B,T,C)
//   3 tokens  array<i32>  (B,T)
//   4 params  uniform     { B, T, C, V }
// Dispatch: one thread per (row, chunk of CH channels) of the stacked (V+T, C) matrix
//   [dwte rows; dwpe rows 0..T-1]: ceil((V+T) * ceil(C/CH) / WG) workgroups along x, wrapping into y.

struct Params { B: u32, T: u32, C: u32, V: u32, }

@group(0) @binding(0) var<storage, read_write> dwte: array<f32>;
@group(0) @binding(1) var<storage, read_write> dwpe: array<f32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(3) var<storage, read> tokens: array<i32>;
@group(0) @binding(4) var<uniform> params: Params;

override WG: u32 = 16;
override CH: u32 = 32;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let C = params.C;
  let V = params.V;
  let chunks = (C + CH - 1u) / CH; // chunks per row
  if (i >= (V + params.T) * chunks) { return; }
  let row = i / chunks;
  let c0 = (i % chunks) * CH;
  let c1 = min(c0 + CH, C);
  if (row < V) {
    // token row: every position that holds this token, in order
    let v = i32(row);
    let BT = params.B * params.T;
    for (var bt = 0u; bt < BT; bt++) {
      if (tokens[bt] == v) {
        for (var c = c0; c < c1; c++) { dwte[row * C + c] += dout[bt * C + c]; }
      }
    }
  } else {
    // position row t: every sequence of the batch uses it once
    let t = row - V;
    for (var b = 0u; b < params.B; b++) {
      for (var c = c0; c < c1; c++) { dwpe[t * C + c] += dout[(b * params.T + t) * C + c]; }
    }
  }
}
