// Attention scores, pass 1 of the causal attention forward: att[b,h,t,t2] = (q_t . k_t2) * scale for
// t2 <= t, scale = 1/sqrt(HS). Mirrors the first loop of attentionForward in src/ref/attention.ts;
// attention_softmax.wgsl then turns each row into probabilities in place and zeroes t2 > t.
// Bindings (qkv is read as f32 by `main`, as vec4 by `main4`):
//   0 att  array<f32>  (B,NH,T,T)  written where t2 <= t (masked entries untouched here)
//   1 qkv  array<f32> / array<vec4f>  (B,T,3C)  per token [q (C) | k (C) | v (C)]; head h at channels h*HS..
//   2 params uniform   { B, T, C, NH, scale }
// Dispatch, two entry points (src/kernels/attention.ts picks one by HS):
//   main:  any HS; one thread per (b,h,t,t2): ceil(B*NH*T*T / WG) workgroups along x, wrapping into y.
//   main4: HS % 4 == 0; one thread per (b,h,t) and 4 consecutive keys t2 (each q load serves 4 keys),
//          vec4 loads: ceil(B*NH*T*ceil(T/4) / WG) workgroups along x, wrapping into y.

struct Params { B: u32, T: u32, C: u32, NH: u32, scale: f32, }

@group(0) @binding(0) var<storage, read_write> att: array<f32>;
@group(0) @binding(1) var<storage, read> qkv: array<f32>;
@group(0) @binding(1) var<storage, read> qkv4: array<vec4f>;
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

// Keys t2a..t2a+3 of row (b,h,t); those past t (or past the row end) are neither computed nor written.
@compute @workgroup_size(WG)
fn main4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let T = params.T;
  let T4 = (T + 3u) / 4u;
  let NH = params.NH;
  let n = gid.x + gid.y * nwg.x * WG;
  if (n >= params.B * NH * T * T4) { return; }
  let t2a = (n % T4) * 4u;
  let t = (n / T4) % T;
  if (t2a > t) { return; } // the whole quad is in the future
  let h = (n / (T * T4)) % NH;
  let b = n / (T * T4 * NH);
  let C4 = params.C / 4u; // vec4s per q, k or v row
  let HS4 = C4 / NH;
  let stride = 3u * C4; // vec4s between tokens
  let q0 = (b * T + t) * stride + h * HS4;
  let k0 = (b * T + t2a) * stride + C4 + h * HS4;
  let vis = min(4u, t + 1u - t2a); // visible keys in this quad, 1..4
  var s = vec4f(0.0);
  for (var i = 0u; i < HS4; i++) {
    let q = qkv4[q0 + i];
    s.x += dot(q, qkv4[k0 + i]);
    if (vis > 1u) { s.y += dot(q, qkv4[k0 + stride + i]); }
    if (vis > 2u) { s.z += dot(q, qkv4[k0 + 2u * stride + i]); }
    if (vis > 3u) { s.w += dot(q, qkv4[k0 + 3u * stride + i]); }
  }
  s *= params.scale;
  let o = ((b * NH + h) * T + t) * T + t2a;
  att[o] = s.x;
  if (vis > 1u) { att[o + 1u] = s.y; }
  if (vis > 2u) { att[o + 2u] = s.z; }
  if (vis > 3u) { att[o + 3u] = s.w; }
}
