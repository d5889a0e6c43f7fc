// CPU reference for the AdamW update with global-norm gradient clipping. Mirrors shaders/adamw.wgsl
// with the same argument order; the hyperparameters arrive as one object where the kernel takes them
// through AdamwKernel.setHyper. Decoupled weight decay (Loshchilov & Hutter), bias-corrected moments.
//   scale = maxGradNorm > 0 && norm > maxGradNorm ? maxGradNorm / (norm + 1e-6) : 1,  norm = sqrt(gradNormSq)
//   g = scale * grad;  m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2
//   p -= lr * (m / (1-b1^step) / (sqrt(v / (1-b2^step)) + eps) + weightDecay * mask * p)
// A non-finite gradNormSq (NaN, or Inf from an overflowing gradient) skips the whole update.

export interface AdamwHyper {
  lr: number; // learning rate of this step (schedules change it between steps)
  beta1: number; // first-moment decay, in [0, 1)
  beta2: number; // second-moment decay, in [0, 1)
  eps: number; // added to sqrt(vhat); > 0
  weightDecay: number; // decoupled decay coefficient, applied where decayMask is 1
  step: number; // 1-based step count, for bias correction
  maxGradNorm: number; // global-norm clipping threshold; <= 0 disables clipping
}

/** Throws on hyperparameters the update cannot use, naming the field. */
export function checkAdamwHyper(h: AdamwHyper): void {
  const finite = (k: keyof AdamwHyper) => {
    if (!Number.isFinite(h[k])) throw new Error(`adamw: ${k} must be finite, got ${h[k]}`);
  };
  for (const k of ['lr', 'beta1', 'beta2', 'eps', 'weightDecay', 'step', 'maxGradNorm'] as const) finite(k);
  if (!Number.isInteger(h.step) || h.step < 1) throw new Error(`adamw: step is 1-based, got ${h.step}`);
  if (h.beta1 < 0 || h.beta1 >= 1) throw new Error(`adamw: beta1 must be in [0, 1), got ${h.beta1}`);
  if (h.beta2 < 0 || h.beta2 >= 1) throw new Error(`adamw: beta2 must be in [0, 1), got ${h.beta2}`);
  if (!(h.eps > 0)) throw new Error(`adamw: eps must be > 0, got ${h.eps}`);
}

/** The clipping factor applied to every gradient for a squared global norm `gradNormSq`. */
export function clipScale(gradNormSq: number, maxGradNorm: number): number {
  const norm = Math.sqrt(gradNormSq);
  return maxGradNorm > 0 && norm > maxGradNorm ? maxGradNorm / (norm + 1e-6) : 1;
}

/**
 * One AdamW step over N parameters: params, m and v are updated in place. Returns false, touching
 * nothing, when gradNormSq[0] is not finite (the caller reports the skipped step).
 */
export function adamw(
  params: Float32Array, // (N) updated
  m: Float32Array, // (N) first moment, updated
  v: Float32Array, // (N) second moment, updated
  grads: Float32Array, // (N)
  decayMask: Float32Array, // (N) 1 = decayed, 0 = not (biases, LayerNorm gains, ...)
  gradNormSq: Float32Array, // (1) squared global gradient norm
  N: number,
  hyper: AdamwHyper,
): boolean {
  checkAdamwHyper(hyper);
  const nsq = gradNormSq[0];
  if (!Number.isFinite(nsq)) return false;
  const { lr, beta1, beta2, eps, weightDecay, step } = hyper;
  const scale = clipScale(nsq, hyper.maxGradNorm);
  const bc1 = 1 - Math.pow(beta1, step);
  const bc2 = 1 - Math.pow(beta2, step);
  for (let i = 0; i < N; i++) {
    const g = grads[i] * scale;
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    const mhat = m[i] / bc1;
    const vhat = v[i] / bc2;
    const p = params[i];
    params[i] = p - lr * (mhat / (Math.sqrt(vhat) + eps) + weightDecay * decayMask[i] * p);
  }
  return true;
}
