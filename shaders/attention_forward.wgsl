// Attention output, pass 3 of the attention forward: out[b,t,c] = sum_{t2<=t} att[b,h,t,t2] v_t2[c],
// h = c / HS. Mirrors the last loop of attentionForward in src/ref/attention.ts. Reads the
// probabilities written by attention_scores.wgsl + attention_softmax.wgsl.
// Bindings (out and qkv are f32 for `main`, vec4 for `main4`):
//   0 out  array<f32> / array<vec4f>  (B,T,C)  written
//   1 att  array<f32>  (B,NH,T,T)  probabilities
//   2 qkv  array<f32> / array<vec4f>  (B,T,3C)  v at channels 2C..3C of each token
//   3 params uniform   { B, T, C, NH, scale }
// Dispatch, two entry points (src/kernels/attention.ts picks one by HS):
//   main:  any HS; one thread per (b,t,c): ceil(B*T*C / WG) workgroups along x, wrapping into y.
//   main4: HS % 4 == 0; one thread per (b,t) and 4 channels (one att load serves 4 channels):
//          ceil(B*T*C/4 / WG) workgroups along x, wrapping into y.

struct Params { B: u32, T: u32, C: u32, NH: u32, scale: f32, }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(0) var<storage, read_write> out4: array<vec4f>;
@group(0) @binding(1) var<storage, read> att: array<f32>;
@group(0) @binding(2) var<storage, read> qkv: array<f32>;
@group(0) @binding(2) var<storage, read> qkv4: array<vec4f>;
@group(0) @binding(3) var<uniform> params: Params;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let T = params.T;
  let C = params.C;
  let n = gid.x + gid.y * nwg.x * WG;
  if (n >= params.B * T * C) { return; }
  let c = n % C;
  let t = (n / C) % T;
  let b = n / (C * T);
  let h = c / (C / params.NH);
  let row = ((b * params.NH + h) * T + t) * T;
  let v0 = b * T * 3u * C + 2u * C + c;
  var s = 0.0;
  for (var t2 = 0u; t2 <= t; t2++) {
    s += att[row + t2] * qkv[v0 + t2 * 3u * C];
  }
  out[n] = s;
}

// Channels 4*c4..4*c4+3 of token (b,t); they share one head because HS % 4 == 0.
@compute @workgroup_size(WG)
fn main4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let T = params.T;
  let C4 = params.C / 4u;
  let n = gid.x + gid.y * nwg.x * WG;
  if (n >= params.B * T * C4) { return; }
  let c4 = n % C4;
  let t = (n / C4) % T;
  let b = n / (C4 * T);
  let h = c4 / (C4 / params.NH);
  let row = ((b * params.NH + h) * T + t) * T;
  let v0 = b * T * 3u * C4 + 2u * C4 + c4;
  var s = vec4f(0.0);
  for (var t2 = 0u; t2 <= t; t2++) {
    s += att[row + t2] * qkv4[v0 + t2 * 3u * C4];
  }
  out4[n] = s;
}
