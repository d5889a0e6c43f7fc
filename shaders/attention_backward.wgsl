// Attention backward, pass 3: dq, dk and dv of one token's channels per thread, h = c / HS, with
// ds = datt after attention_softmax_backward.wgsl (gradient of q_t . k_t2):
//   dq_t[c] += sum_{t2<=t} ds[t,t2] k_t2[c];  dk_t[c] += sum_{t1>=t} ds[t1,t] q_t1[c];
//   dv_t[c] += sum_{t1>=t} att[t1,t] dout_t1[c]
// Each thread owns its outputs, so no atomics. Mirrors the last loop of attentionBackward in
// src/ref/attention.ts. Gradient rule: dqkv is ACCUMULATED (+=); the model zeroes it once per backward.
// Bindings (dqkv, dout and qkv are f32 for `main`, vec4 for `main8`):
//   0 dqkv  array<f32> / array<vec4f>  (B,T,3C)  accumulated (+=)
//   1 datt  array<f32>  (B,NH,T,T)  gradient of the dot products (from pass 2)
//   2 dout  array<f32> / array<vec4f>  (B,T,C)
//   3 qkv   array<f32> / array<vec4f>  (B,T,3C)
//   4 att   array<f32>  (B,NH,T,T)  probabilities saved by the forward
//   5 params uniform    { B, T, C, NH, scale }
// Dispatch, two entry points (src/kernels/attention.ts picks one by HS):
//   main:  any HS; one thread per (b,t,c): ceil(B*T*C / WG) workgroups along x, wrapping into y.
//   main8: HS % 8 == 0; one thread per (b,t) and 8 channels as two vec4 (each datt and att load serves
//          8 channels): ceil(B*T*C/8 / WG) workgroups along x, wrapping into y.

struct Params { B: u32, T: u32, C: u32, NH: u32, scale: f32, }

@group(0) @binding(0) var<storage, read_write> dqkv: array<f32>;
@group(0) @binding(0) var<storage, read_write> dqkv4: array<vec4f>;
@group(0) @binding(1) var<storage, read> datt: array<f32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> dout4: array<vec4f>;
@group(0) @binding(3) var<storage, read> qkv: array<f32>;
@group(0) @binding(3) var<storage, read> qkv4: array<vec4f>;
@group(0) @binding(4) var<storage, read> att: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let T = params.T;
  let C = params.C;
  let C3 = 3u * C;
  let n = gid.x + gid.y * nwg.x * WG;
  if (n >= params.B * T * C) { return; }
  let c = n % C;
  let t = (n / C) % T;
  let b = n / (C * T);
  let h = c / (C / params.NH);
  let bh = (b * params.NH + h) * T * T; // start of this (b,h) attention matrix
  let tok0 = b * T * C3; // first token of batch row b in qkv
  var dq = 0.0;
  for (var t2 = 0u; t2 <= t; t2++) {
    dq += datt[bh + t * T + t2] * qkv[tok0 + t2 * C3 + C + c];
  }
  var dk = 0.0;
  var dv = 0.0;
  for (var t1 = t; t1 < T; t1++) {
    dk += datt[bh + t1 * T + t] * qkv[tok0 + t1 * C3 + c];
    dv += att[bh + t1 * T + t] * dout[(b * T + t1) * C + c];
  }
  let tok = tok0 + t * C3;
  dqkv[tok + c] += dq;
  dqkv[tok + C + c] += dk;
  dqkv[tok + 2u * C + c] += dv;
}

// Channels 8*j..8*j+7 of token (b,t) as the vec4 pair (c4, c4+1); one head, because HS % 8 == 0.
@compute @workgroup_size(WG)
fn main8(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let T = params.T;
  let C4 = params.C / 4u; // vec4s per q, k, v or dout row
  let C8 = C4 / 2u;
  let stride = 3u * C4; // vec4s between tokens in qkv
  let n = gid.x + gid.y * nwg.x * WG;
  if (n >= params.B * T * C8) { return; }
  let c4 = (n % C8) * 2u;
  let t = (n / C8) % T;
  let b = n / (C8 * T);
  let h = c4 / (C4 / params.NH);
  let bh = (b * params.NH + h) * T * T;
  let tok0 = b * T * stride;
  var dqa = vec4f(0.0);
  var dqb = vec4f(0.0);
  for (var t2 = 0u; t2 <= t; t2++) {
    let ds = datt[bh + t * T + t2];
    let k = tok0 + t2 * stride + C4 + c4;
    dqa += ds * qkv4[k];
    dqb += ds * qkv4[k + 1u];
  }
  var dka = vec4f(0.0);
  var dkb = vec4f(0.0);
  var dva = vec4f(0.0);
  var dvb = vec4f(0.0);
  for (var t1 = t; t1 < T; t1++) {
    let ds = datt[bh + t1 * T + t];
    let p = att[bh + t1 * T + t];
    let q = tok0 + t1 * stride + c4;
    let d = (b * T + t1) * C4 + c4;
    dka += ds * qkv4[q];
    dkb += ds * qkv4[q + 1u];
    dva += p * dout4[d];
    dvb += p * dout4[d + 1u];
  }
  let tok = tok0 + t * stride;
  dqkv4[tok + c4] += dqa;
  dqkv4[tok + c4 + 1u] += dqb;
  dqkv4[tok + C4 + c4] += dka;
  dqkv4[tok + C4 + c4 + 1u] += dkb;
  dqkv4[tok + 2u * C4 + c4] += dva;
  dqkv4[tok + 2u * C4 + c4 + 1u] += dvb;
}
