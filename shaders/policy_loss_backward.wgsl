// Per-token RL policy loss, backward. Mirrors policyLossBackward in src/ref/policy_loss.ts.
//   dlogp    += weight ((r A <= clamp(r) A ? -A r : 0) + beta (1 - exp(q))),  q = logpRef - logp
//   dentropy += -weight entCoef
// The gradient flows through whichever term of the min is smaller; at a tie (r inside the clip
// range) the unclipped one. Gradient rule: both outputs ACCUMULATE (+=); the model zeroes every
// gradient buffer once at the start of each backward. Masked tokens (weight 0) add nothing.
// Bindings:
//   0 dlogp     array<f32> (N)  accumulated (+=)
//   1 dentropy  array<f32> (N)  accumulated (+=)
//   2 logp      array<f32> (N)
//   3 logpOld   array<f32> (N)
//   4 logpRef   array<f32> (N)  unused when beta == 0
//   5 adv       array<f32> (N)
//   6 weight    array<f32> (N)
//   7 params    uniform    { N, epsLow, epsHigh, beta, entCoef }
// Dispatch: as policy_loss_forward.wgsl.

struct Params { N: u32, epsLow: f32, epsHigh: f32, beta: f32, entCoef: f32, }

@group(0) @binding(0) var<storage, read_write> dlogp: array<f32>;
@group(0) @binding(1) var<storage, read_write> dentropy: array<f32>;
@group(0) @binding(2) var<storage, read> logp: array<f32>;
@group(0) @binding(3) var<storage, read> logpOld: array<f32>;
@group(0) @binding(4) var<storage, read> logpRef: array<f32>;
@group(0) @binding(5) var<storage, read> adv: array<f32>;
@group(0) @binding(6) var<storage, read> weight: array<f32>;
@group(0) @binding(7) var<uniform> params: Params;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= params.N) { return; }
  let w = weight[i];
  if (w == 0.0) { return; } // masked: both gradients are exactly 0
  let A = adv[i];
  let r = exp(logp[i] - logpOld[i]);
  let rc = clamp(r, 1.0 - params.epsLow, 1.0 + params.epsHigh);
  // The clipped term is constant in logp wherever it is the smaller one.
  var dpg = 0.0;
  if (r * A <= rc * A) { dpg = -A * r; }
  var dkl = 0.0;
  if (params.beta != 0.0) { dkl = params.beta * (1.0 - exp(logpRef[i] - logp[i])); }
  dlogp[i] = dlogp[i] + w * (dpg + dkl);
  dentropy[i] = dentropy[i] - w * params.entCoef;
}
