// Embedding backward: dwte[v,:] += sum of dout[b,t,:] over (b,t) with tokens[b,t] == v, and
// dwpe[t,:] += sum over b of dout[b,t,:]. Mirrors encoderBackward in src/ref/encoder.ts.
// Race-free and deterministic without atomics: each output element has exactly one owner thread, which
// gathers its contributions in a fixed order ((b,t) ascending). Cost O((V+T) * C * B*T) compares: meant
// for small vocabularies. Like every backward kernel it ACCUMULATES (+=) into dwte and dwpe.
// Bindings:
//   0 dwte    array<f32>  (V,C)     accumulated (+=)
//   1 dwpe    array<f32>  (maxT,C)  accumulated (+=), rows 0..T-1
//   2 dout    array<f32>  (B,T,C)
//   3 tokens  array<i32>  (B,T)
//   4 params  uniform     { B, T, C, V }
// Dispatch: one thread per element of the stacked (V+T, C) matrix [dwte rows; dwpe rows 0..T-1],
//   ceil((V+T)*C / WG) workgroups along x, wrapping into y.

struct Params { B: u32, T: u32, C: u32, V: u32, }

@group(0) @binding(0) var<storage, read_write> dwte: array<f32>;
@group(0) @binding(1) var<storage, read_write> dwpe: array<f32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(3) var<storage, read> tokens: array<i32>;
@group(0) @binding(4) var<uniform> params: Params;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let C = params.C;
  let V = params.V;
  if (i >= (V + params.T) * C) { return; }
  let row = i / C;
  let c = i % C;
  var acc = 0.0;
  if (row < V) {
    // token row: gather every position that holds this token
    let v = i32(row);
    let BT = params.B * params.T;
    for (var bt = 0u; bt < BT; bt++) {
      if (tokens[bt] == v) { acc += dout[bt * C + c]; }
    }
    dwte[i] = dwte[i] + acc;
  } else {
    // position row t: every sequence of the batch uses it once
    let t = row - V;
    for (var b = 0u; b < params.B; b++) {
      acc += dout[(b * params.T + t) * C + c];
    }
    dwpe[t * C + c] = dwpe[t * C + c] + acc;
  }
}
