// Attention backward, pass 2: softmax Jacobian per row, in place. With p = att[b,h,t,:] and
// g = datt[b,h,t,:] from attention_datt.wgsl: datt[t2] = scale * p[t2] * (g[t2] - sum_j p[j] g[j])
// for t2 <= t, i.e. the gradient of the raw dot product q_t . k_t2 (1/sqrt(HS) folded in); masked
// entries stay 0. Mirrors the second loop of attentionBackward in src/ref/attention.ts.
// Bindings:
//   0 datt  array<f32>  (B,NH,T,T)  read and overwritten
//   1 att   array<f32>  (B,NH,T,T)  probabilities saved by the forward
//   2 params uniform    { B, T, C, NH, scale }
// Dispatch: one thread per row (b,h,t): ceil(B*NH*T / WG) workgroups along x, wrapping into y.

struct Params { B: u32, T: u32, C: u32, NH: u32, scale: f32, }

@group(0) @binding(0) var<storage, read_write> datt: array<f32>;
@group(0) @binding(1) var<storage, read> att: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let T = params.T;
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= params.B * params.NH * T) { return; }
  let t = r % T;
  let row = r * T;
  var dot = 0.0;
  for (var t2 = 0u; t2 <= t; t2++) {
    dot += att[row + t2] * datt[row + t2];
  }
  for (var t2 = 0u; t2 <= t; t2++) {
    datt[row + t2] = params.scale * att[row + t2] * (datt[row + t2] - dot);
  }
}
