// Policy-loss and OPSD kernels against the CPU reference: every aggregation mode, KL off / small / large,
// clipping active on both sides, masked tokens holding garbage logps, awkward sizes and one token;
// plus a small case whose expected numbers were worked out by hand.
import { describe, expect, it } from 'vitest';
import * as ref from '../../src/ref/policy_loss';
import * as gpuK from '../../src/kernels/policy_loss';
import { lossWeights, type AggregationMode } from '../../src/rl/aggregation';
import { opsdAdvantages } from '../../src/rl/opsd';
import { mulberry32, randomFloats, type Rng } from '../../src/util/rng';
import { checkOp, expectClose, EXACT, type Tol } from '../helpers/op-check';

const HP = { epsLow: 0.2, epsHigh: 0.28, beta: 0, entCoef: 0.01 };

/** A batch of sequences: prompt tokens and one dropped sequence are masked; r spans 0.5..1.6. */
function makeBatch(rng: Rng, lens: number[]) {
  const masks = lens.map((L, s) => {
    const m = new Float32Array(L);
    const prompt = L > 2 ? Math.floor(L / 4) : 0; // leading prompt tokens are not in the loss
    for (let t = prompt; t < L; t++) m[t] = 1;
    if (lens.length > 2 && s === 1) m.fill(0); // a dropped trajectory (judge answer unparsable)
    return m;
  });
  const mask = Float32Array.from(masks.flatMap((m) => Array.from(m)));
  const N = mask.length;
  const logp = new Float32Array(N);
  const logpOld = new Float32Array(N);
  const logpRef = new Float32Array(N);
  const adv = new Float32Array(N);
  const entropy = new Float32Array(N);
  let o = 0;
  for (const L of lens) {
    const seqAdv = (rng() * 2 - 1) * 1.5; // GRPO-style: one advantage for the sequence ...
    for (let t = 0; t < L; t++, o++) {
      let r = 0.5 + 1.1 * rng();
      // keep r away from the clip boundaries, where the loss has a kink and flags could flip on rounding
      for (const b of [1 - HP.epsLow, 1 + HP.epsHigh]) if (Math.abs(r - b) < 0.01) r = b + 0.02;
      logp[o] = -0.1 - 3 * rng();
      logpOld[o] = logp[o] - Math.log(r);
      logpRef[o] = logp[o] + (rng() * 2 - 1);
      adv[o] = t % 3 === 2 ? (rng() * 2 - 1) * 2 : seqAdv; // ... or per token (process rewards)
      entropy[o] = 3 * rng();
      if (mask[o] === 0 && t % 2 === 0) logpOld[o] = -100; // garbage: r overflows f32 if ever computed
    }
  }
  return { masks, mask, N, logp, logpOld, logpRef, adv, entropy };
}

describe('kernel policy loss', () => {
  const shapes = [[1], [5, 3, 9], [37, 64, 200, 1, 19]];
  const modes: AggregationMode[] = ['token-mean', 'seq-mean-token-mean', 'sum-norm'];
  for (const lens of shapes) {
    for (const mode of modes) {
      for (const [bi, beta] of [0, 0.001, 0.5].entries()) {
        it(`lens=[${lens}] ${mode} beta=${beta}`, async () => {
          const rng = mulberry32(lens.length * 1000 + bi * 10 + modes.indexOf(mode));
          const d = makeBatch(rng, lens);
          const N = d.N;
          const weight = lossWeights(d.masks, mode, mode === 'sum-norm' ? 64 : undefined);
          const hp = { ...HP, beta };
          const { got, want } = await checkOp({
            name: `policy loss lens=[${lens}] ${mode} beta=${beta}`,
            inputs: { logp: d.logp, logpOld: d.logpOld, logpRef: d.logpRef, adv: d.adv, weight, entropy: d.entropy }, // (N) each
            outputs: { terms: new Float32Array(4 * N) }, // (N,4): loss_t, kl_t, clippedLow_t, clippedHigh_t
            grads: { dlogp: randomFloats(rng, N), dent: randomFloats(rng, N) }, // backward accumulates into existing values
            ref: (a) => {
              ref.policyLossForward(a.terms, a.logp, a.logpOld, a.logpRef, a.adv, a.weight, a.entropy, N, hp);
              ref.policyLossBackward(a.dlogp, a.dent, a.logp, a.logpOld, a.logpRef, a.adv, a.weight, N, hp);
            },
            gpu: (g, b) => [
              gpuK.policyLossForward(g, b.terms, b.logp, b.logpOld, b.logpRef, b.adv, b.weight, b.entropy, N, hp),
              gpuK.policyLossBackward(g, b.dlogp, b.dent, b.logp, b.logpOld, b.logpRef, b.adv, b.weight, N, hp),
            ],
            tol: { terms: [[1e-7, 2e-4], [1e-6, 2e-4], EXACT, EXACT] },
            gradTol: [1e-6, 2e-4],
          });
          const terms = want.terms;
          const col = (a: ArrayLike<number>, c: number) => Array.from({ length: N }, (_, t) => a[4 * t + c]);
          expect(Array.from(got.terms).every(Number.isFinite)).toBe(true);
          if (N > 100) {
            // the data really exercises both clip sides, masking and the KL term
            expect(col(terms, 2).reduce((s, x) => s + x, 0)).toBeGreaterThan(3);
            expect(col(terms, 3).reduce((s, x) => s + x, 0)).toBeGreaterThan(3);
            expect(d.mask.some((m) => m === 0)).toBe(true);
          }
        });
      }
    }
  }

  it('hand-computed case', async () => {
    // epsLow 0.2, epsHigh 0.28, beta 0.5, entCoef 0.1. Per token (r = exp(logp - logpOld), q = logpRef - logp):
    // 0: r=1.5, A=1, w=0.5, q=0, H=2: min(1.5, 1.28) = 1.28 -> pg=-1.28, loss=0.5(-1.28-0.2)=-0.74, high clip,
    //    dlogp=0 (clipped branch), dH=-0.05
    // 1: r=0.5, A=-2, w=0.25, q=ln2, H=0: min(-1, -1.6) = -1.6 -> pg=1.6, kl=2-ln2-1=0.30685282,
    //    loss=0.25(1.6+0.5*0.30685282)=0.43835660, low clip, dlogp=0.25*0.5*(1-2)=-0.125, dH=-0.025
    // 2: r=1, A=0.5, w=1, q=0, H=1: pg=-0.5, loss=-0.5-0.1=-0.6, dlogp=-A r=-0.5, dH=-0.1
    // 3: r=1.5, A=-1, w=1, q=0, H=0: min(-1.5, -1.28) = -1.5 (unclipped) -> pg=1.5, loss=1.5, no flag,
    //    dlogp=-A r=1.5, dH=-0.1
    // 4: masked (w=0) with r=exp(200): everything 0
    // 5: r=1, A=0, w=2, q=-ln2, H=0: kl=0.5+ln2-1=0.19314718, loss=2*0.5*0.19314718=0.19314718,
    //    dlogp=2*0.5*(1-0.5)=0.5, dH=-0.2
    const L15 = Math.log(1.5),
      L05 = Math.log(0.5),
      L2 = Math.log(2);
    const logp = Float32Array.from([L15, L05, -1, L15, 0, 0]);
    const logpOld = Float32Array.from([0, 0, -1, 0, -200, 0]);
    const logpRef = Float32Array.from([L15, L05 + L2, -1, L15, 50, -L2]);
    const adv = Float32Array.from([1, -2, 0.5, -1, 3, 0]);
    const weight = Float32Array.from([0.5, 0.25, 1, 1, 0, 2]);
    const entropy = Float32Array.from([2, 0, 1, 0, 5, 0]);
    const hp = { epsLow: 0.2, epsHigh: 0.28, beta: 0.5, entCoef: 0.1 };
    const wantLoss = [-0.74, 0.4383566, -0.6, 1.5, 0, 0.19314718];
    const wantKl = [0, 0.30685282, 0, 0, 0, 0.19314718];
    const wantLow = [0, 1, 0, 0, 0, 0];
    const wantHigh = [1, 0, 0, 0, 0, 0];
    const wantDlogp = [0, -0.125, -0.5, 1.5, 0, 0.5];
    const wantDent = [-0.05, -0.025, -0.1, -0.1, 0, -0.2];
    const N = 6;
    const hand = {
      terms: new Float32Array(4 * N),
      dlogp: Float32Array.from(wantDlogp),
      dent: Float32Array.from(wantDent),
    };
    for (let t = 0; t < N; t++) hand.terms.set([wantLoss[t], wantKl[t], wantLow[t], wantHigh[t]], 4 * t);
    const termsTol: Tol[] = [[1e-6, 1e-5], [1e-6, 1e-5], EXACT, EXACT]; // loss_t, kl_t, clippedLow_t, clippedHigh_t
    // the CPU reference against the hand-computed values ...
    const cpu = { terms: new Float32Array(4 * N), dlogp: new Float32Array(N), dent: new Float32Array(N) };
    ref.policyLossForward(cpu.terms, logp, logpOld, logpRef, adv, weight, entropy, N, hp);
    ref.policyLossBackward(cpu.dlogp, cpu.dent, logp, logpOld, logpRef, adv, weight, N, hp);
    expectClose('ref terms', cpu.terms, hand.terms, termsTol);
    expectClose('ref dlogp', cpu.dlogp, hand.dlogp, [1e-6, 1e-5]);
    expectClose('ref dentropy', cpu.dent, hand.dent, [1e-6, 1e-5]);
    // ... and the GPU against them, its gradients starting at zero
    await checkOp({
      name: 'gpu hand-computed',
      inputs: { logp, logpOld, logpRef, adv, weight, entropy },
      outputs: { terms: new Float32Array(4 * N), dlogp: new Float32Array(N), dent: new Float32Array(N) },
      ref: (a) => (a.terms.set(hand.terms), a.dlogp.set(hand.dlogp), a.dent.set(hand.dent)),
      gpu: (g, b) => [
        gpuK.policyLossForward(g, b.terms, b.logp, b.logpOld, b.logpRef, b.adv, b.weight, b.entropy, N, hp),
        gpuK.policyLossBackward(g, b.dlogp, b.dent, b.logp, b.logpOld, b.logpRef, b.adv, b.weight, N, hp),
      ],
      forwardTol: [1e-6, 1e-5],
      tol: { terms: termsTol },
    });
  });
});

describe('OPSD through the policy loss', () => {
  it('fed to the loss with beta 0 on-policy, the gradient is weight * (logpStudent - logpTeacher)', async () => {
    // r = 1 on-policy, so dlogp = -w A = w (log pi_s - log pi_t): descent lowers the reverse KL signal
    const N = 9;
    const rng = mulberry32(77);
    const ls = randomFloats(rng, N, 2).map((x) => x - 2);
    const lt = randomFloats(rng, N, 2).map((x) => x - 2);
    const [adv] = opsdAdvantages([ls], [lt]);
    const hp = { epsLow: 0.2, epsHigh: 0.28, beta: 0, entCoef: 0 };
    await checkOp({
      name: 'opsd gradient',
      inputs: { ls, adv, w: new Float32Array(N).fill(1 / N), zeros: new Float32Array(N) },
      outputs: { dlogp: new Float32Array(N), dent: new Float32Array(N) },
      ref: (a) => a.dlogp.set(Array.from(ls, (x, t) => (x - lt[t]) / N)),
      gpu: (g, b) => [gpuK.policyLossBackward(g, b.dlogp, b.dent, b.ls, b.ls, b.zeros, b.adv, b.w, N, hp)],
      forwardTol: [1e-6, 1e-5],
      tol: { dent: null }, // unused output
    });
  });
});
