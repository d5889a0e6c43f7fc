// AdamW update with global-norm clipping, one thread per parameter. Mirrors adamw in src/ref/adamw.ts.
//   norm = sqrt(gradNormSq[0]) (read here, on the GPU: no readback);
//   scale = maxGradNorm > 0 && norm > maxGradNorm ? maxGradNorm / (norm + 1e-6) : 1;  g = scale * grad
//   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  p -= lr * (m/bc1 / (sqrt(v/bc2) + eps) + wd * mask * p)
// bc1 = 1 - b1^step and bc2 = 1 - b2^step come precomputed in the uniform. Every thread returns
// without writing when gradNormSq[0] is NaN or Inf (params, m, v untouched: the step is skipped) or
// when step is 0 (no hyperparameters set yet).
// Bindings:
//   0 params      array<f32>  (N)  updated
//   1 m           array<f32>  (N)  updated
//   2 v           array<f32>  (N)  updated
//   3 grads       array<f32>  (N)
//   4 decayMask   array<f32>  (N)  1 = decayed, 0 = not
//   5 gradNormSq  array<f32>  (1)  from gradnorm.wgsl
//   6 hyper uniform  Params
// Dispatch: ceil(N / WG) workgroups along x, wrapping into y.

struct Params {
  N: u32,
  step: u32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weightDecay: f32,
  maxGradNorm: f32,
  bc1: f32,
  bc2: f32,
}

@group(0) @binding(0) var<storage, read_write> params: array<f32>;
@group(0) @binding(1) var<storage, read_write> m: array<f32>;
@group(0) @binding(2) var<storage, read_write> v: array<f32>;
@group(0) @binding(3) var<storage, read> grads: array<f32>;
@group(0) @binding(4) var<storage, read> decayMask: array<f32>;
@group(0) @binding(5) var<storage, read> gradNormSq: array<f32>;
@group(0) @binding(6) var<uniform> hyper: Params;

override WG: u32 = 256;

// NaN and Inf are exactly the values whose exponent bits are all ones. Tested on the bits, since
// float comparisons with NaN may be folded away by optimising shader compilers.
fn isFinite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= hyper.N || hyper.step == 0u) { return; }
  let nsq = gradNormSq[0];
  if (!isFinite(nsq)) { return; }
  let norm = sqrt(nsq);
  var scale = 1.0;
  if (hyper.maxGradNorm > 0.0 && norm > hyper.maxGradNorm) {
    scale = hyper.maxGradNorm / (norm + 1e-6);
  }
  let g = grads[i] * scale;
  let mi = hyper.beta1 * m[i] + (1.0 - hyper.beta1) * g;
  let vi = hyper.beta2 * v[i] + (1.0 - hyper.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  let mhat = mi / hyper.bc1;
  let vhat = vi / hyper.bc2;
  let p = params[i];
  params[i] = p - hyper.lr * (mhat / (sqrt(vhat) + hyper.eps) + hyper.weightDecay * decayMask[i] * p);
}
