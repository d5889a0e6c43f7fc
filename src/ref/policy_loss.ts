// CPU reference for the per-token RL policy loss (PPO clipped surrogate, asymmetric clip, k3 KL, entropy
// bonus). Mirrors shaders/policy_loss_{forward,backward}.wgsl. No aggregation here: `weight`
// (src/rl/aggregation.ts) carries it.

/** Hyper-parameters of the policy loss (method.md, "The policy loss"). */
export interface PolicyLossHp {
  epsLow: number; // lower clip: r is clipped below at 1 - epsLow (0.2)
  epsHigh: number; // upper clip: r is clipped above at 1 + epsHigh (0.26 / 0.28)
  beta: number; // k3 KL coefficient; 0 switches the KL term off (logpRef is then never used in the loss)
  entCoef: number; // entropy bonus coefficient (0 in Stage I)
}

/**
 * terms (N,4) = per token [loss_t, kl_t, clippedLow_t, clippedHigh_t]
 *   r = exp(logp - logpOld), pg = -min(r A, clamp(r, 1-epsLow, 1+epsHigh) A)
 *   kl = exp(q) - q - 1, q = logpRef - logp (k3 estimator)
 *   loss = weight (pg + beta kl - entCoef entropy)
 * Masked tokens (weight 0) give four zeros and their logps are never read (padding cannot make NaN).
 */
export function policyLossForward(
  terms: Float32Array, // (N,4)
  logp: Float32Array, // (N) log-prob of the sampled token under the current policy
  logpOld: Float32Array, // (N) under the sampling policy
  logpRef: Float32Array, // (N) under the frozen reference model
  adv: Float32Array, // (N) per-token advantage
  weight: Float32Array, // (N) mask times aggregation scale
  entropy: Float32Array, // (N) policy entropy at the token's position
  N: number,
  hp: PolicyLossHp,
): void {
  for (let t = 0; t < N; t++) {
    const w = weight[t];
    const o = 4 * t;
    if (w === 0) {
      terms[o] = terms[o + 1] = terms[o + 2] = terms[o + 3] = 0;
      continue;
    }
    const A = adv[t];
    const r = Math.exp(logp[t] - logpOld[t]);
    const rc = Math.min(Math.max(r, 1 - hp.epsLow), 1 + hp.epsHigh);
    const pg = -Math.min(r * A, rc * A);
    const q = logpRef[t] - logp[t];
    const kl = Math.exp(q) - q - 1;
    // beta 0 drops the KL term entirely (0 * inf would be NaN when the reference pass is skipped)
    const klTerm = hp.beta !== 0 ? hp.beta * kl : 0;
    terms[o] = w * (pg + klTerm - hp.entCoef * entropy[t]);
    terms[o + 1] = kl;
    terms[o + 2] = w > 0 && A < 0 && r < 1 - hp.epsLow ? 1 : 0;
    terms[o + 3] = w > 0 && A > 0 && r > 1 + hp.epsHigh ? 1 : 0;
  }
}

/**
 * dlogp (N) += d(sum_t loss_t)/dlogp, dentropy (N) += d(sum_t loss_t)/dentropy.
 *   dlogp = weight ((unclipped term is the min ? -A r : 0) + beta (1 - exp(q)))
 *   dentropy = -weight entCoef
 * Accumulates (+=). At a tie in the min (r inside the clip range) the unclipped term is used.
 */
export function policyLossBackward(
  dlogp: Float32Array, // (N) accumulated
  dentropy: Float32Array, // (N) accumulated
  logp: Float32Array, // (N)
  logpOld: Float32Array, // (N)
  logpRef: Float32Array, // (N)
  adv: Float32Array, // (N)
  weight: Float32Array, // (N)
  N: number,
  hp: PolicyLossHp,
): void {
  for (let t = 0; t < N; t++) {
    const w = weight[t];
    if (w === 0) continue; // masked: both gradients are exactly 0
    const A = adv[t];
    const r = Math.exp(logp[t] - logpOld[t]);
    const rc = Math.min(Math.max(r, 1 - hp.epsLow), 1 + hp.epsHigh);
    // d(-r A)/dlogp = -A r; the clipped term is constant in logp wherever it is the smaller one
    const dpg = r * A <= rc * A ? -A * r : 0;
    const dkl = hp.beta !== 0 ? hp.beta * (1 - Math.exp(logpRef[t] - logp[t])) : 0;
    dlogp[t] += w * (dpg + dkl);
    dentropy[t] += -w * hp.entCoef;
  }
}
