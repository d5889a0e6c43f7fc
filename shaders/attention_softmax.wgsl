// Causal softmax, pass 2 of the attention forward: each row att[b,h,t,:] of scores becomes
// probabilities over t2 <= t (max-subtracted, so exp never overflows) and entries t2 > t become 0.
// Mirrors the second loop of attentionForward in src/ref/attention.ts. In place, one thread per row.
// Bindings:
//   0 att  array<f32>  (B,NH,T,T)  read (scores from attention_scores.wgsl) and overwritten
//   1 params uniform   { B, T, C, NH, scale }  (only B, T and NH are used)
// Dispatch: one thread per row (b,h,t): ceil(B*NH*T / WG) workgroups along x, wrapping into y.

struct Params { B: u32, T: u32, C: u32, NH: u32, scale: f32, }

@group(0) @binding(0) var<storage, read_write> att: array<f32>;
@group(0) @binding(1) var<uniform> params: Params;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let T = params.T;
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= params.B * params.NH * T) { return; }
  let t = r % T;
  let row = r * T;
  var mx = att[row];
  for (var t2 = 1u; t2 <= t; t2++) {
    mx = max(mx, att[row + t2]);
  }
  // The row maximum contributes exp(0) = 1, so the sum is at least 1.
  var sum = 0.0;
  for (var t2 = 0u; t2 <= t; t2++) {
    let e = exp(att[row + t2] - mx);
    att[row + t2] = e;
    sum += e;
  }
  let inv = 1.0 / sum;
  for (var t2 = 0u; t2 <= t; t2++) {
    att[row + t2] *= inv;
  }
  for (var t2 = t + 1u; t2 < T; t2++) {
    att[row + t2] = 0.0;
  }
}
