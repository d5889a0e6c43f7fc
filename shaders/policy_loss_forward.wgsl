// Per-token RL policy loss, forward: PPO clipped surrogate with asymmetric clip, k3 KL to a frozen
// reference, entropy bonus, all scaled by a per-token weight (mask x aggregation). Mirrors
// policyLossForward in src/ref/policy_loss.ts.
//   r = exp(logp - logpOld), pg = -min(r A, clamp(r, 1-epsLow, 1+epsHigh) A)
//   kl = exp(q) - q - 1, q = logpRef - logp;  loss = weight (pg + beta kl - entCoef entropy)
// Bindings:
//   0 terms    array<vec4f> (N,4)  written: [loss_t, kl_t, clippedLow_t, clippedHigh_t]
//   1 logp     array<f32>   (N)
//   2 logpOld  array<f32>   (N)
//   3 logpRef  array<f32>   (N)    unused when beta == 0
//   4 adv      array<f32>   (N)
//   5 weight   array<f32>   (N)    0 = masked: all four terms 0, logps never read
//   6 entropy  array<f32>   (N)
//   7 params   uniform      { N, epsLow, epsHigh, beta, entCoef }
// Dispatch: ceil(N / WG) workgroups along x, wrapping into y when N is large (src/kernels/grid.ts).

struct Params { N: u32, epsLow: f32, epsHigh: f32, beta: f32, entCoef: f32, }

@group(0) @binding(0) var<storage, read_write> terms: array<vec4f>;
@group(0) @binding(1) var<storage, read> logp: array<f32>;
@group(0) @binding(2) var<storage, read> logpOld: array<f32>;
@group(0) @binding(3) var<storage, read> logpRef: array<f32>;
@group(0) @binding(4) var<storage, read> adv: array<f32>;
@group(0) @binding(5) var<storage, read> weight: array<f32>;
@group(0) @binding(6) var<storage, read> entropy: array<f32>;
@group(0) @binding(7) var<uniform> params: Params;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= params.N) { return; }
  let w = weight[i];
  // Masked tokens: padding may hold any logp, so nothing is computed from it (no 0 * inf = NaN).
  if (w == 0.0) {
    terms[i] = vec4f(0.0);
    return;
  }
  let A = adv[i];
  let r = exp(logp[i] - logpOld[i]);
  let rc = clamp(r, 1.0 - params.epsLow, 1.0 + params.epsHigh);
  let pg = -min(r * A, rc * A);
  // kl_t is reported whatever beta is (a metric); beta 0 drops it from the loss, since the reference
  // pass may then have been skipped and logpRef be stale (0 * inf would be NaN).
  let q = logpRef[i] - logp[i];
  let kl = exp(q) - q - 1.0;
  var klTerm = 0.0;
  if (params.beta != 0.0) { klTerm = params.beta * kl; }
  let loss = w * (pg + klTerm - params.entCoef * entropy[i]);
  let low = select(0.0, 1.0, w > 0.0 && A < 0.0 && r < 1.0 - params.epsLow);
  let high = select(0.0, 1.0, w > 0.0 && A > 0.0 && r > 1.0 + params.epsHigh);
  terms[i] = vec4f(loss, kl, low, high);
}
