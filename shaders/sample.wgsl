// Token sampling, one token per row: softmax(logits / T) restricted to the top-k, then to the smallest
// most-likely set with mass >= topP, drawn with a counter-based RNG u = hash(seed, row, counter[0]).
// T <= 1e-6 is argmax (lowest index on ties). Mirrors sampleTokens in src/ref/sample.ts.
// No sorting: top-k and top-p are thresholds on an order-preserving u32 key of the logit, found by
// binary search on the key (count resp. probability mass above it), so ties at the cut are all kept.
// The draw is an inverse CDF in index order: contiguous chunks per thread, a prefix sum, one walk.
// Bindings:
//   0 next     array<i32> (S)    written
//   1 logits   array<f32> (S,V)
//   2 counter  array<u32> (1)    decode position t, read (rollout_advance's counter_increment advances it)
//   3 params   uniform           { S, V, temperature, topK, topP, seed }
// Entry points:
//   main  one workgroup of WG threads per row (WG a power of two), rows wrapping into y past 65535.
//         Workgroup memory: 2 * WG * 4 bytes + 4 (2 KiB at WG = 256).
//   rows  one thread per row, ceil(S / WG) workgroups, no workgroup memory and no barriers: for
//         settings without top-k and top-p (plain temperature sampling and greedy), where the
//         threshold searches are not needed. Same draw: inverse CDF in index order, summed in order.

struct Params { S: u32, V: u32, temperature: f32, topK: u32, topP: f32, seed: u32, }

@group(0) @binding(0) var<storage, read_write> next: array<i32>;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> counter: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

override WG: u32 = 256; // threads per row, a power of two

var<workgroup> redF: array<f32, WG>;
var<workgroup> redU: array<u32, WG>;
var<workgroup> lastT: u32;

const NONE: u32 = 0xffffffffu;

// PCG output hash (RXS-M-XS); u32 arithmetic wraps.
fn pcg(v: u32) -> u32 {
  let s = v * 747796405u + 2891336453u;
  let w = ((s >> ((s >> 28u) + 4u)) ^ s) * 277803737u;
  return (w >> 22u) ^ w;
}

// Order-preserving key: a larger float has a larger key; -0 maps to +0.
fn key(x: f32) -> u32 {
  var b = bitcast<u32>(x);
  if (b == 0x80000000u) { b = 0u; }
  return select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);
}

// Workgroup reductions. Each returns a workgroup-uniform value; workgroupUniformLoad's barriers make
// the scratch array safe to reuse by the next call.
fn sumF(lid: u32, v: f32) -> f32 {
  redF[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) { redF[lid] = redF[lid] + redF[lid + s]; }
    workgroupBarrier();
  }
  return workgroupUniformLoad(&redF[0]);
}

fn maxF(lid: u32, v: f32) -> f32 {
  redF[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) { redF[lid] = max(redF[lid], redF[lid + s]); }
    workgroupBarrier();
  }
  return workgroupUniformLoad(&redF[0]);
}

fn sumU(lid: u32, v: u32) -> u32 {
  redU[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) { redU[lid] = redU[lid] + redU[lid + s]; }
    workgroupBarrier();
  }
  return workgroupUniformLoad(&redU[0]);
}

fn minU(lid: u32, v: u32) -> u32 {
  redU[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) { redU[lid] = min(redU[lid], redU[lid + s]); }
    workgroupBarrier();
  }
  return workgroupUniformLoad(&redU[0]);
}

// Argmax over (value, index) pairs; NONE marks a thread that saw no element. Lowest index on ties.
fn argmaxIdx(lid: u32, v: f32, idx: u32) -> u32 {
  redF[lid] = v;
  redU[lid] = idx;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      let a = redF[lid]; let ia = redU[lid];
      let b = redF[lid + s]; let ib = redU[lid + s];
      if (ib != NONE && (ia == NONE || b > a || (b == a && ib < ia))) {
        redF[lid] = b;
        redU[lid] = ib;
      }
    }
    workgroupBarrier();
  }
  return workgroupUniformLoad(&redU[0]);
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= params.S) { return; }
  let V = params.V;
  let base = row * V;

  // Greedy: argmax, lowest index on ties (each thread scans increasing indices, keeps the first max).
  if (params.temperature <= 1e-6) {
    var best = 0.0;
    var bi = NONE;
    for (var i = lid; i < V; i += WG) {
      let x = logits[base + i];
      if (bi == NONE || x > best) { best = x; bi = i; }
    }
    let pick = argmaxIdx(lid, best, bi);
    if (lid == 0u) { next[row] = i32(pick); }
    return;
  }

  // Max logit (for a stable softmax) and the range of keys to search.
  var mx = logits[base]; // every thread starts from element 0 (V >= 1)
  var kmin = NONE;
  for (var i = lid; i < V; i += WG) {
    let x = logits[base + i];
    mx = max(mx, x);
    kmin = min(kmin, key(x));
  }
  let m = maxF(lid, mx);
  let keyMin = minU(lid, kmin);
  let keyMax = key(m);
  let T = params.temperature;

  // Top-k: the largest key tk with count(key >= tk) >= topK. Invariant: lo satisfies it, hi does not.
  var tk = keyMin;
  if (params.topK > 0u && params.topK < V) {
    var lo = keyMin;
    var hi = keyMax + 1u;
    while (hi - lo > 1u) {
      let mid = lo + (hi - lo) / 2u;
      var c = 0u;
      for (var i = lid; i < V; i += WG) {
        if (key(logits[base + i]) >= mid) { c += 1u; }
      }
      if (sumU(lid, c) >= params.topK) { lo = mid; } else { hi = mid; }
    }
    tk = lo;
  }

  // Top-p: the largest key tau with mass(key >= tau) >= topP * mass(key >= tk) (unnormalised exps).
  var tau = tk;
  if (params.topP < 1.0) {
    var z = 0.0;
    for (var i = lid; i < V; i += WG) {
      let x = logits[base + i];
      if (key(x) >= tk) { z += exp((x - m) / T); }
    }
    let need = params.topP * sumF(lid, z);
    var lo = tk;
    var hi = keyMax + 1u;
    while (hi - lo > 1u) {
      let mid = lo + (hi - lo) / 2u;
      var s = 0.0;
      for (var i = lid; i < V; i += WG) {
        let x = logits[base + i];
        if (key(x) >= mid) { s += exp((x - m) / T); }
      }
      if (sumF(lid, s) >= need) { lo = mid; } else { hi = mid; }
    }
    tau = lo;
  }

  // Draw: thread t owns indices [t * chunk, (t + 1) * chunk); thread 0 prefix-sums the chunk masses.
  let chunk = (V + WG - 1u) / WG;
  let start = min(lid * chunk, V);
  let end = min(start + chunk, V);
  var own = 0.0;
  for (var i = start; i < end; i++) {
    let x = logits[base + i];
    if (key(x) >= tau) { own += exp((x - m) / T); }
  }
  redF[lid] = own;
  workgroupBarrier();
  if (lid == 0u) {
    var acc = 0.0;
    var last = 0u;
    for (var t = 0u; t < WG; t++) {
      let v = redF[t];
      acc += v;
      redF[t] = acc;
      if (v > 0.0) { last = t; }
    }
    lastT = last;
  }
  workgroupBarrier();
  let incl = redF[lid];
  var excl = 0.0;
  if (lid > 0u) { excl = redF[lid - 1u]; }
  let total = redF[WG - 1u];
  let u = f32(pcg(pcg(pcg(params.seed) ^ row) ^ counter[0]) >> 8u) * (1.0 / 16777216.0);
  let goal = u * total;
  // Exactly one thread owns the goal: [excl, incl) partition [0, total); past total (rounding)
  // the last thread with mass takes it.
  if (own > 0.0 && excl <= goal && (goal < incl || lid == lastT)) {
    var acc = excl;
    var pick = NONE;
    var lastKept = start;
    for (var i = start; i < end; i++) {
      let x = logits[base + i];
      if (key(x) >= tau) {
        let e = exp((x - m) / T);
        acc += e;
        if (e > 0.0) { lastKept = i; }
        if (acc > goal) { pick = i; break; }
      }
    }
    // the re-summed chunk fell short of goal by rounding: its last token with mass
    if (pick == NONE) { pick = lastKept; }
    next[row] = i32(pick);
  }
}

@compute @workgroup_size(WG)
fn rows(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * nwg.x * WG;
  if (row >= params.S) { return; }
  let V = params.V;
  let base = row * V;
  var m = logits[base];
  var best = 0u; // argmax, lowest index on ties
  for (var i = 1u; i < V; i++) {
    let x = logits[base + i];
    if (x > m) { m = x; best = i; }
  }
  if (params.temperature <= 1e-6) {
    next[row] = i32(best);
    return;
  }
  let T = params.temperature;
  var total = 0.0;
  for (var i = 0u; i < V; i++) { total += exp((logits[base + i] - m) / T); }
  let u = f32(pcg(pcg(pcg(params.seed) ^ row) ^ counter[0]) >> 8u) * (1.0 / 16777216.0);
  let goal = u * total;
  var acc = 0.0;
  var pick = NONE;
  var lastKept = best; // the maximum always has mass exp(0) = 1
  for (var i = 0u; i < V; i++) {
    let e = exp((logits[base + i] - m) / T);
    acc += e;
    if (e > 0.0) { lastKept = i; }
    if (acc > goal) { pick = i; break; }
  }
  // the re-summed mass fell short of goal by rounding: the last token with mass
  if (pick == NONE) { pick = lastKept; }
  next[row] = i32(pick);
}
