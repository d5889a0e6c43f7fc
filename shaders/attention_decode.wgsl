// Causal attention of one query per sequence over its KV cache, for KV-cache decoding. For row s,
// head h, t = counter[0], HS = C / NH:
//   p[j] = softmax over j in 0..t (inclusive) of (q_s . k[s,j]) * scale,  scale = 1/sqrt(HS)
//   out[s, h*HS + i] = sum_j p[j] v[s,j,i]
// Mirrors attentionDecode in src/ref/kv_decode.ts; equals row t of attention_forward.wgsl's output.
// Max-subtracted softmax; the normalisation is applied once per output. t >= Tmax writes nothing.
// Bindings:
//   0 out      array<f32>  (S,C)       written
//   1 qkv      array<f32>  (S,3C)      q at channels 0..C of each row (k and v are in the cache)
//   2 kcache   array<f32>  (S,Tmax,C)  rows 0..t read
//   3 vcache   array<f32>  (S,Tmax,C)  rows 0..t read
//   4 counter  array<u32>  (1)         the current position t
//   5 params   uniform     { S, C, NH, Tmax, scale }
// Dispatch: one workgroup of WG threads per (s,h), S*NH workgroups along x, wrapping into y.
// Threads stride over positions for the scores and over channels for the output. Three barriers:
// per-thread maxima and sums are combined by every thread reading all WG partials (no tree).
// Workgroup memory: (MAXT + WG) * 4 bytes, MAXT = Tmax (at most 16 KiB in all).

struct Params { S: u32, C: u32, NH: u32, Tmax: u32, scale: f32, }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> qkv: array<f32>;
@group(0) @binding(2) var<storage, read> kcache: array<f32>;
@group(0) @binding(3) var<storage, read> vcache: array<f32>;
@group(0) @binding(4) var<storage, read> counter: array<u32>;
@group(0) @binding(5) var<uniform> params: Params;

override WG: u32 = 64; // threads per (s,h)
override MAXT: u32 = 1024; // cache length Tmax: one score per position in workgroup memory

var<workgroup> p: array<f32, MAXT>; // scores, then unnormalised probabilities exp(score - max)
var<workgroup> part: array<f32, WG>; // per-thread maxima, then per-thread sums

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = wid.x + wid.y * nwg.x; // (s,h) row, uniform across the workgroup
  let t = counter[0];
  if (r >= params.S * params.NH || t >= params.Tmax) { return; }
  let C = params.C;
  let HS = C / params.NH;
  let s = r / params.NH;
  let h = r % params.NH;
  let q0 = s * 3u * C + h * HS;
  let kv0 = s * params.Tmax * C + h * HS; // position j of this head at kv0 + j * C

  // Scores of the positions this thread owns, and their maximum.
  var mx = -3.4e38; // below any score; threads owning no position keep it
  for (var j = lid; j <= t; j += WG) {
    let k0 = kv0 + j * C;
    var d = 0.0;
    for (var i = 0u; i < HS; i++) {
      d += qkv[q0 + i] * kcache[k0 + i];
    }
    let sc = d * params.scale;
    p[j] = sc;
    mx = max(mx, sc);
  }
  part[lid] = mx;
  workgroupBarrier();
  var m = part[0];
  for (var w = 1u; w < WG; w++) { m = max(m, part[w]); }
  workgroupBarrier(); // every thread has read the maxima before part is reused

  // exp(score - max) in place (each thread its own positions) and the per-thread sums.
  var sum = 0.0;
  for (var j = lid; j <= t; j += WG) {
    let e = exp(p[j] - m);
    p[j] = e;
    sum += e;
  }
  part[lid] = sum;
  workgroupBarrier(); // also publishes every p[j]
  var z = 0.0;
  for (var w = 0u; w < WG; w++) { z += part[w]; }
  // The maximum contributes exp(0) = 1, so z >= 1.
  let inv = 1.0 / z;

  // Output channels: probability-weighted sum of the cached values.
  let o0 = s * C + h * HS;
  for (var i = lid; i < HS; i += WG) {
    var acc = 0.0;
    for (var j = 0u; j <= t; j++) {
      acc += p[j] * vcache[kv0 + j * C + i];
    }
    out[o0 + i] = acc * inv;
  }
}
