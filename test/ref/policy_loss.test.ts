// Finite-difference check of the policy-loss CPU reference backward (clipped and unclipped tokens,
// both advantage signs, KL on and off, entropy bonus, masked tokens), and the OPSD advantage.
import { describe, expect, it } from 'vitest';
import { policyLossForward, policyLossBackward, type PolicyLossHp } from '../../src/ref/policy_loss';
import { opsdAdvantages } from '../../src/rl/opsd';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { gradCheck } from '../helpers/gradcheck';

/** Random tokens with r in 0.5..1.6, kept >= 0.05 from the clip boundaries so +-eps never crosses a kink. */
function tokens(seed: number, N: number, hp: PolicyLossHp) {
  const rng = mulberry32(seed);
  const logp = new Float32Array(N);
  const logpOld = new Float32Array(N);
  const logpRef = new Float32Array(N);
  const adv = randomFloats(rng, N, 2);
  const entropy = Float32Array.from({ length: N }, () => 3 * rng());
  const weight = Float32Array.from({ length: N }, (_, t) => (t % 5 === 4 ? 0 : 0.2 + rng())); // every 5th masked
  for (let t = 0; t < N; t++) {
    let r = 0.5 + 1.1 * rng();
    for (const b of [1 - hp.epsLow, 1 + hp.epsHigh]) if (Math.abs(r - b) < 0.05) r = b + 0.1;
    logp[t] = -0.2 - 2 * rng();
    logpOld[t] = logp[t] - Math.log(r);
    logpRef[t] = logp[t] + (rng() * 2 - 1);
  }
  return { logp, logpOld, logpRef, adv, entropy, weight };
}

describe('ref policy loss', () => {
  for (const hp of [
    { epsLow: 0.2, epsHigh: 0.28, beta: 0.5, entCoef: 0.1 },
    { epsLow: 0.2, epsHigh: 0.26, beta: 0.001, entCoef: 0 },
    { epsLow: 0.2, epsHigh: 0.28, beta: 0, entCoef: 1e-4 },
  ]) {
    it(`backward matches finite differences, beta=${hp.beta} entCoef=${hp.entCoef}`, () => {
      const N = 60;
      const d = tokens(Math.round(hp.beta * 1000) + 3, N, hp);
      const terms = new Float32Array(4 * N);
      const dlogp = new Float32Array(N);
      const dentropy = new Float32Array(N);
      policyLossBackward(dlogp, dentropy, d.logp, d.logpOld, d.logpRef, d.adv, d.weight, N, hp);
      // the data covers both clip sides, so the zero-gradient branch is probed too
      policyLossForward(terms, d.logp, d.logpOld, d.logpRef, d.adv, d.weight, d.entropy, N, hp);
      let low = 0,
        high = 0;
      for (let t = 0; t < N; t++) ((low += terms[4 * t + 2]), (high += terms[4 * t + 3]));
      expect(low).toBeGreaterThan(0);
      expect(high).toBeGreaterThan(0);
      gradCheck({
        name: 'policy loss',
        inputs: { logp: d.logp, entropy: d.entropy },
        analytic: { logp: dlogp, entropy: dentropy },
        probes: N,
        eps: 1e-3,
        atol: 1e-4,
        rtol: 1e-2,
        loss: () => {
          policyLossForward(terms, d.logp, d.logpOld, d.logpRef, d.adv, d.weight, d.entropy, N, hp);
          let L = 0; // summed in float64 so the difference quotient is not float32 noise
          for (let t = 0; t < N; t++) L += terms[4 * t];
          return L;
        },
      });
    });
  }

  it('backward accumulates', () => {
    const hp = { epsLow: 0.2, epsHigh: 0.28, beta: 0.5, entCoef: 0.1 };
    const N = 10;
    const d = tokens(11, N, hp);
    const g1 = new Float32Array(N),
      e1 = new Float32Array(N);
    const g2 = new Float32Array(N).fill(1),
      e2 = new Float32Array(N).fill(-2);
    policyLossBackward(g1, e1, d.logp, d.logpOld, d.logpRef, d.adv, d.weight, N, hp);
    policyLossBackward(g2, e2, d.logp, d.logpOld, d.logpRef, d.adv, d.weight, N, hp);
    for (let t = 0; t < N; t++) {
      expect(g2[t]).toBeCloseTo(g1[t] + 1, 6);
      expect(e2[t]).toBeCloseTo(e1[t] - 2, 6);
    }
  });

  it('opsd advantage is logpTeacher - logpStudent', () => {
    const [adv] = opsdAdvantages([Float32Array.from([-1, -0.5, -3])], [Float32Array.from([-2, -0.5, -1])]);
    expect(Array.from(adv)).toEqual([-1, 0, 2]);
  });
});
