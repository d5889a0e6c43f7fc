// A token's filled-in policy loss agrees with the CPU reference of the policy-loss kernels
// (src/ref/policy_loss.ts): the weighted loss term, the k3 KL, the clip flags and the gradient on
// logp, whose sign says whether the update raises or lowers the token; on random inputs whose ratios
// cross both clips, with and without KL and entropy terms.
import { describe, expect, it } from 'vitest';
import { explainLoss } from '../../src/rl/loss-explain';
import { policyLossBackward, policyLossForward } from '../../src/ref/policy_loss';
import { mulberry32, randomFloats } from '../../src/util/rng';

describe('explainLoss', () => {
  for (const hp of [
    { epsLow: 0.2, epsHigh: 0.26, beta: 0.001, entCoef: 0 },
    { epsLow: 0.1, epsHigh: 0.3, beta: 0, entCoef: 0.01 },
  ])
    it(`matches the kernels' CPU reference: ${JSON.stringify(hp)}`, () => {
      const N = 400,
        rng = mulberry32(hp.beta > 0 ? 3 : 4);
      const logp = randomFloats(rng, N, 2).map((x) => -Math.abs(x) - 0.01);
      const noise = randomFloats(rng, N, 0.5);
      const logpOld = logp.map((l, i) => l + noise[i]);
      const logpRef = logp.map((l, i) => l - noise[(i * 7) % N]);
      const adv = randomFloats(rng, N, 1);
      const weight = Float32Array.from({ length: N }, (_, i) => (i % 9 === 0 ? 0 : 1 / N));
      const entropy = randomFloats(rng, N, 1).map(Math.abs);
      const terms = new Float32Array(N * 4);
      const dlogp = new Float32Array(N),
        dent = new Float32Array(N);
      policyLossForward(terms, logp, logpOld, logpRef, adv, weight, entropy, N, hp);
      policyLossBackward(dlogp, dent, logp, logpOld, logpRef, adv, weight, N, hp);
      const clips = { low: 0, high: 0 };
      for (let t = 0; t < N; t++) {
        const e = explainLoss(
          {
            adv: adv[t],
            logp: logp[t],
            logpOld: logpOld[t],
            logpRef: logpRef[t],
            weight: weight[t],
            entropy: entropy[t],
          },
          hp,
        );
        expect(Math.fround(e.loss)).toBeCloseTo(terms[4 * t], 6);
        if (weight[t] > 0) expect(Math.fround(e.kl)).toBeCloseTo(terms[4 * t + 1], 5);
        expect(e.clipped === 'low').toBe(terms[4 * t + 2] === 1);
        expect(e.clipped === 'high').toBe(terms[4 * t + 3] === 1);
        expect(Math.fround(e.dlogp)).toBeCloseTo(dlogp[t], 6);
        if (e.clipped) clips[e.clipped]++;
        expect(e.lines.at(-1)).toMatch(e.dlogp < 0 ? /raises/ : e.dlogp > 0 ? /lowers/ : /does not push/);
      }
      expect(clips.low).toBeGreaterThan(5);
      expect(clips.high).toBeGreaterThan(5);
    });

  it('an on-policy first update has ratio 1 and no clip', () => {
    const e = explainLoss(
      { adv: 0.5, logp: -1.25, logpOld: -1.25, logpRef: -1.5, weight: 0.01, entropy: 1 },
      {
        epsLow: 0.2,
        epsHigh: 0.26,
        beta: 0.001,
        entCoef: 0,
      },
    );
    expect(e.ratio).toBe(1);
    expect(e.clipped).toBeNull();
    expect(e.lines[0]).toBe('r = exp(logp \u2212 logp_old) = exp(\u22121.25 \u2212 (\u22121.25)) = 1');
    expect(e.lines.at(-1)).toMatch(/raises/);
  });
});
