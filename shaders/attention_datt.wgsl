// Attention backward, pass 1: datt[b,h,t,t2] = dout_t . v_t2 (head h) for t2 <= t, 0 for t2 > t.
// Mirrors the first loop of attentionBackward in src/ref/attention.ts. datt is scratch: every entry
// is overwritten, so it needs no zeroing; attention_softmax_backward.wgsl rewrites it in place next.
// Bindings (dout and qkv are f32 for `main`, vec4 for `main4`):
//   0 datt  array<f32>  (B,NH,T,T)  overwritten
//   1 dout  array<f32> / array<vec4f>  (B,T,C)
//   2 qkv   array<f32> / array<vec4f>  (B,T,3C)  v at channels 2C..3C of each token
//   3 params uniform    { B, T, C, NH, scale }
// Dispatch, two entry points (src/kernels/attention.ts picks one by HS):
//   main:  any HS; one thread per (b,h,t,t2): ceil(B*NH*T*T / WG) workgroups along x, wrapping into y.
//   main4: HS % 4 == 0; one thread per (b,h,t) and 4 consecutive t2 (each dout load serves 4 values),
//          vec4 loads: ceil(B*NH*T*ceil(T/4) / WG) workgroups along x, wrapping into y.

struct Params { B: u32, T: u32, C: u32, NH: u32, scale: f32, }

@group(0) @binding(0) var<storage, read_write> datt: array<f32>;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(1) var<storage, read> dout4: array<vec4f>;
@group(0) @binding(2) var<storage, read> qkv: array<f32>;
@group(0) @binding(2) var<storage, read> qkv4: array<vec4f>;
@group(0) @binding(3) var<uniform> params: Params;

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
  var s = 0.0;
  if (t2 <= t) {
    let h = (n / (T * T)) % NH;
    let b = n / (T * T * NH);
    let HS = C / NH;
    let d0 = (b * T + t) * C + h * HS;
    let v0 = (b * T + t2) * 3u * C + 2u * C + h * HS;
    for (var i = 0u; i < HS; i++) {
      s += dout[d0 + i] * qkv[v0 + i];
    }
  }
  datt[n] = s;
}

// Entries t2a..t2a+3 of row (b,h,t): visible ones get the dot product, masked ones 0, and those past
// the end of the row (T not a multiple of 4) are not written.
@compute @workgroup_size(WG)
fn main4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let T = params.T;
  let T4 = (T + 3u) / 4u;
  let NH = params.NH;
  let n = gid.x + gid.y * nwg.x * WG;
  if (n >= params.B * NH * T * T4) { return; }
  let t2a = (n % T4) * 4u;
  let t = (n / T4) % T;
  let h = (n / (T * T4)) % NH;
  let b = n / (T * T4 * NH);
  let cnt = min(4u, T - t2a); // entries of the row in this quad
  var s = vec4f(0.0);
  if (t2a <= t) {
    let C4 = params.C / 4u; // vec4s per dout row and per q, k or v row
    let HS4 = C4 / NH;
    let stride = 3u * C4; // vec4s between tokens in qkv
    let d0 = (b * T + t) * C4 + h * HS4;
    let v0 = (b * T + t2a) * stride + 2u * C4 + h * HS4;
    let vis = min(cnt, t + 1u - t2a); // visible entries, 1..4
    for (var i = 0u; i < HS4; i++) {
      let d = dout4[d0 + i];
      s.x += dot(d, qkv4[v0 + i]);
      if (vis > 1u) { s.y += dot(d, qkv4[v0 + stride + i]); }
      if (vis > 2u) { s.z += dot(d, qkv4[v0 + 2u * stride + i]); }
      if (vis > 3u) { s.w += dot(d, qkv4[v0 + 3u * stride + i]); }
    }
  }
  let o = ((b * NH + h) * T + t) * T + t2a;
  datt[o] = s.x;
  if (cnt > 1u) { datt[o + 1u] = s.y; }
  if (cnt > 2u) { datt[o + 2u] = s.z; }
  if (cnt > 3u) { datt[o + 3u] = s.w; }
}
