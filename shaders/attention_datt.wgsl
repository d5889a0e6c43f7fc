// Attention backward, pass 1: datt[b,h,t,t2] = dout_t . v_t2 (head h) for t2 <= t, 0 for t2 > t.
// Mirrors the first loop of attentionBackward in src/ref/attention.ts. datt is scratch: every entry
// is overwritten, so it needs no zeroing; attention_softmax_backward.wgsl rewrites it in place next.
// Bindings:
//   0 datt  array<f32>  (B,NH,T,T)  overwritten
//   1 dout  array<f32>  (B,T,C)
//   2 qkv   array<f32>  (B,T,3C)    v at channels 2C..3C of each token
//   3 params uniform    { B, T, C, NH, scale }
// Dispatch: one thread per (b,h,t,t2): ceil(B*NH*T*T / WG) workgroups along x, wrapping into y.

struct Params { B: u32, T: u32, C: u32, NH: u32, scale: f32, }

@group(0) @binding(0) var<storage, read_write> datt: array<f32>;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> qkv: array<f32>;
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
