// Attention scores, pass 1 of the causal attention forward: att[b,h,t,t2] = (q_t . k_t2) * scale for
// t2 <= t, scale = 1/sqrt(HS). Mirrors the first loop of attentionForward in src/ref/attention.ts;
// attention_softmax.wgsl then turns each row into probabilities in place and zeroes t2 > t.
// Bindings:
//   0 att  array<f32>  (B,NH,T,T)  written where t2 <= t (masked entries untouched here)
//   1 qkv  array<f32>  (B,T,3C)    per token [q (C) | k (C) | v (C)]; head h at channels h*HS..(h+1)*HS
//   2 params uniform   { B, T, C, NH, scale }
// Dispatch: one thread per (b,h,t,t2): ceil(B*NH*T*T / WG) workgroups along x, wrapping into y.

struct Params { B: u32, T: u32, C: u32, NH: u32, scale: f32, }

@group(0) @binding(0) var<storage, read_write> att: array<f32>;
@group(0) @binding(1) var<storage, read> qkv: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let T = params.T;
  let C = params.C;
  let NH = params.NH;
  let n = gid.x + gid.y * nwg.x * WG;
  if (n >= params.B * NH * T * T) { return; }
  let t2 = n % T;
  let t = (n / T) % T;
  if (t2 > t) { return; } // causal mask: the future is not scored
  let h = (n / (T * T)) % NH;
  let b = n / (T * T * NH);
  let HS = C / NH;
  let q0 = (b * T + t) * 3u * C + h * HS;
  let k0 = (b * T + t2) * 3u * C + C + h * HS;
  var s = 0.0;
  for (var i = 0u; i < HS; i++) {
    s += qkv[q0 + i] * qkv[k0 + i];
  }
  att[n] = s * params.scale;
}
