// The policy loss of one token with its numbers filled in (method.md, "The policy loss"): the ratio
// r = exp(logp - logp_old), whether the asymmetric clip binds, the k3 KL to the frozen start model, the
// token's weighted loss, and the sign of its gradient on logp (which way the update pushes this token's
// probability). Computed as the policy-loss kernels compute it (shaders/policy_loss_*.wgsl); tests hold
// it to their CPU reference. Pure functions, no GPU.

import { num } from './advantage-explain';

/** One token's inputs to the loss, as the update read them. */
export interface TokenLossInputs {
  adv: number;
  logp: number; // under the policy at the update (before its optimiser step)
  logpOld: number; // under the sampling policy
  logpRef: number; // under the frozen start model
  weight: number; // mask times the aggregation's scale
  entropy: number; // of the policy at this position
}

export interface LossHyper {
  epsLow: number;
  epsHigh: number;
  beta: number;
  entCoef: number;
}

export interface LossExplanation {
  ratio: number;
  clipped: 'low' | 'high' | null; // the clip that zeroes this token's policy gradient, if any
  surrogate: number; // min(r A, clip(r) A)
  kl: number; // k3 = exp(q) - q - 1, q = logp_ref - logp
  loss: number; // weight (-surrogate + beta kl - entCoef entropy)
  dlogp: number; // d loss / d logp: negative raises the token's log-prob, positive lowers it
  lines: string[];
}

const MINUS = '\u2212';
const operand = (x: number) => (x < 0 ? `(${num(x)})` : num(x));

export function explainLoss(x: TokenLossInputs, hp: LossHyper): LossExplanation {
  const A = x.adv;
  const ratio = Math.exp(x.logp - x.logpOld);
  const lo = 1 - hp.epsLow,
    hi = 1 + hp.epsHigh;
  const rc = Math.min(Math.max(ratio, lo), hi);
  const surrogate = Math.min(ratio * A, rc * A);
  const q = x.logpRef - x.logp;
  const kl = Math.exp(q) - q - 1;
  const klTerm = hp.beta !== 0 ? hp.beta * kl : 0;
  const loss = x.weight * (-surrogate + klTerm - hp.entCoef * x.entropy);
  const clipped = x.weight > 0 && A < 0 && ratio < lo ? 'low' : x.weight > 0 && A > 0 && ratio > hi ? 'high' : null;
  const dpg = ratio * A <= rc * A ? -A * ratio : 0;
  const dkl = hp.beta !== 0 ? hp.beta * (1 - Math.exp(q)) : 0;
  const dlogp = x.weight * (dpg + dkl);
  const lines = [
    `r = exp(logp ${MINUS} logp_old) = exp(${num(x.logp)} ${MINUS} ${operand(x.logpOld)}) = ${num(ratio)}`,
    `clip(r, 1 ${MINUS} ${hp.epsLow}, 1 + ${hp.epsHigh}) = ${num(rc)}; min(r\u00b7A, clip(r)\u00b7A) = min(${num(ratio)} \u00d7 ${operand(A)}, ${num(rc)} \u00d7 ${operand(A)}) = ${num(surrogate)}`,
    clipped === 'high'
      ? `clipped above: A > 0 and r > ${num(hi)}, so this token's policy gradient is 0 (it has moved far enough)`
      : clipped === 'low'
        ? `clipped below: A < 0 and r < ${num(lo)}, so this token's policy gradient is 0 (it has moved far enough)`
        : `not clipped: the ${ratio >= lo && ratio <= hi ? `ratio lies in [${num(lo)}, ${num(hi)}]` : 'clip is on the side that does not bind for this sign of A'}`,
    hp.beta !== 0
      ? `KL k3 = exp(q) ${MINUS} q ${MINUS} 1, q = logp_ref ${MINUS} logp = ${num(x.logpRef)} ${MINUS} ${operand(x.logp)} = ${num(q)}: k3 = ${num(kl)}`
      : `\u03b2 = 0: no KL term`,
    `loss_t = w \u00b7 (${MINUS}min(\u2026) + \u03b2\u00b7k3${hp.entCoef !== 0 ? ` ${MINUS} c\u00b7H` : ''}) = ${num(x.weight)} \u00d7 (${num(-surrogate)} + ${hp.beta} \u00d7 ${num(kl)}${hp.entCoef !== 0 ? ` ${MINUS} ${hp.entCoef} \u00d7 ${num(x.entropy)}` : ''}) = ${num(loss)}`,
    dlogp < 0
      ? `\u2202loss/\u2202logp = ${num(dlogp)} < 0: the update raises this token's log-probability`
      : dlogp > 0
        ? `\u2202loss/\u2202logp = ${num(dlogp)} > 0: the update lowers this token's log-probability`
        : `\u2202loss/\u2202logp = 0: the loss does not push this token (its probability moves only through shared weights)`,
  ];
  return { ratio, clipped, surrogate, kl, loss, dlogp, lines };
}
