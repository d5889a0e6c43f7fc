// KV-cache append and causal attention of one query per sequence, in one dispatch without workgroup
// memory or barriers (on SwiftShader a barrier costs more than this whole kernel's arithmetic).
// For row s, head h, t = counter[0], HS = C / NH, scale = 1/sqrt(HS):
//   kcache[s,t,:] = k of qkv[s], vcache[s,t,:] = v of qkv[s]
//   p[j] = softmax over j in 0..t (inclusive) of (q_s . k[s,j]) * scale   (max-subtracted)
//   out[s, h*HS + i] = sum_j p[j] v[s,j,i]
// Mirrors attentionDecodeKv in src/ref/kv_decode.ts (kvWrite, then attentionDecode).
// Thread (s, h, g) owns channels 4g .. 4g+3 of head h (fewer in the last group when HS % 4 != 0):
// it writes those channels of k and v at position t, and computes the scores of every position
// itself (two passes: the maximum, then exponentials, their sum and the weighted values), reading
// position t's key and value from qkv, so no thread waits for another's cache write. t >= Tmax
// writes nothing.
// Bindings:
//   0 out      array<f32>  (S,C)       written
//   1 kcache   array<f32>  (S,Tmax,C)  row t written (this thread's channels), rows 0..t-1 read
//   2 vcache   array<f32>  (S,Tmax,C)
//   3 qkv      array<f32>  (S,3C)      per row [q (C) | k (C) | v (C)]
//   4 counter  array<u32>  (1)         the current position t
//   5 params   uniform     { S, C, NH, Tmax, scale }
// Dispatch: one thread per (s, h, g), g < ceil(HS/4): ceil(S*NH*ceil(HS/4) / WG) workgroups along x,
// wrapping into y.

struct Params { S: u32, C: u32, NH: u32, Tmax: u32, scale: f32, }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read_write> kcache: array<f32>;
@group(0) @binding(2) var<storage, read_write> vcache: array<f32>;
@group(0) @binding(3) var<storage, read> qkv: array<f32>;
@group(0) @binding(4) var<storage, read> counter: array<u32>;
@group(0) @binding(5) var<uniform> params: Params;

override WG: u32 = 64;

// Scaled dot product of the query (at q0) with the key at k (HS channels from `base` of kcache, or of qkv).
fn scoreCache(q0: u32, base: u32, HS: u32) -> f32 {
  var d = 0.0;
  for (var i = 0u; i < HS; i++) { d += qkv[q0 + i] * kcache[base + i]; }
  return d * params.scale;
}

fn scoreNew(q0: u32, k0: u32, HS: u32) -> f32 {
  var d = 0.0;
  for (var i = 0u; i < HS; i++) { d += qkv[q0 + i] * qkv[k0 + i]; }
  return d * params.scale;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let C = params.C;
  let NH = params.NH;
  let HS = C / NH;
  let G = (HS + 3u) / 4u; // channel groups per head
  let r = gid.x + gid.y * nwg.x * WG;
  let t = counter[0];
  if (r >= params.S * NH * G || t >= params.Tmax) { return; }
  let g = r % G;
  let h = (r / G) % NH;
  let s = r / (G * NH);
  let q0 = s * 3u * C + h * HS; // query of head h
  let k0 = q0 + C; // key at position t
  let v0 = q0 + 2u * C; // value at position t
  let kv0 = s * params.Tmax * C + h * HS; // position j of this head at kv0 + j * C
  let i0 = 4u * g; // first owned channel within the head
  let n = min(4u, HS - i0); // owned channels
  let vt = vec4f(qkv[v0 + i0], qkv[v0 + i0 + min(1u, n - 1u)], qkv[v0 + i0 + min(2u, n - 1u)], qkv[v0 + i0 + min(3u, n - 1u)]);
  for (var i = 0u; i < n; i++) {
    kcache[kv0 + t * C + i0 + i] = qkv[k0 + i0 + i];
    vcache[kv0 + t * C + i0 + i] = qkv[v0 + i0 + i];
  }

  // Positions 0..t-1 from the cache, position t from qkv (the same values the cache now holds).
  let st = scoreNew(q0, k0, HS);
  var m = st;
  for (var j = 0u; j < t; j++) { m = max(m, scoreCache(q0, kv0 + j * C, HS)); }
  // The maximum contributes exp(0) = 1, so z >= 1.
  var z = 0.0;
  var acc = vec4f(0.0);
  for (var j = 0u; j < t; j++) {
    let e = exp(scoreCache(q0, kv0 + j * C, HS) - m);
    z += e;
    let b = kv0 + j * C + i0;
    acc += e * vec4f(vcache[b], vcache[b + min(1u, n - 1u)], vcache[b + min(2u, n - 1u)], vcache[b + min(3u, n - 1u)]);
  }
  let et = exp(st - m);
  z += et;
  acc += et * vt;
  let inv = 1.0 / z;
  let o = s * C + h * HS + i0;
  out[o] = acc.x * inv;
  if (n > 1u) { out[o + 1u] = acc.y * inv; }
  if (n > 2u) { out[o + 2u] = acc.z * inv; }
  if (n > 3u) { out[o + 3u] = acc.w * inv; }
}
