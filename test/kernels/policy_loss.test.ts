// Policy-loss and OPSD kernels against the CPU reference: every aggregation mode, KL off / small / large,
// clipping active on both sides, masked tokens holding garbage logps, awkward sizes and one token;
// plus a small case whose expected numbers were worked out by hand.
import { describe, expect, it } from 'vitest';
import * as ref from '../../src/ref/policy_loss';
import * as gpuK from '../../src/kernels/policy_loss';
import { lossWeights, type AggregationMode } from '../../src/rl/aggregation';
import { mulberry32, randomFloats, type Rng } from '../../src/util/rng';
import { testGpu, toGpu, zerosGpu, fromGpu, run } from '../helpers/gpu';
import { assertClose } from '../helpers/compare';

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

async function gpuLoss(
  logp: Float32Array, logpOld: Float32Array, logpRef: Float32Array, adv: Float32Array, weight: Float32Array,
  entropy: Float32Array, dlogp0: Float32Array, dent0: Float32Array, N: number, hp: ref.PolicyLossHp,
) {
  const g = await testGpu();
  const b = [logp, logpOld, logpRef, adv, weight, entropy].map((a) => toGpu(g, a));
  const bTerms = zerosGpu(g, 4 * N);
  const bDlogp = toGpu(g, dlogp0);
  const bDent = toGpu(g, dent0);
  await run(g, [
    gpuK.policyLossForward(g, bTerms, b[0], b[1], b[2], b[3], b[4], b[5], N, hp),
    gpuK.policyLossBackward(g, bDlogp, bDent, b[0], b[1], b[2], b[3], b[4], N, hp),
  ]);
  return { terms: await fromGpu(g, bTerms, 4 * N), dlogp: await fromGpu(g, bDlogp, N), dent: await fromGpu(g, bDent, N) };
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
          const dlogp0 = randomFloats(rng, N); // backward accumulates into existing values
          const dent0 = randomFloats(rng, N);
          const terms = new Float32Array(4 * N);
          const dlogp = dlogp0.slice();
          const dent = dent0.slice();
          ref.policyLossForward(terms, d.logp, d.logpOld, d.logpRef, d.adv, weight, d.entropy, N, hp);
          ref.policyLossBackward(dlogp, dent, d.logp, d.logpOld, d.logpRef, d.adv, weight, N, hp);
          const got = await gpuLoss(d.logp, d.logpOld, d.logpRef, d.adv, weight, d.entropy, dlogp0, dent0, N, hp);
          const col = (a: Float32Array, c: number) => Array.from({ length: N }, (_, t) => a[4 * t + c]);
          assertClose('loss_t', col(got.terms, 0), col(terms, 0), 1e-7, 2e-4);
          assertClose('kl_t', col(got.terms, 1), col(terms, 1), 1e-6, 2e-4);
          assertClose('clippedLow_t', col(got.terms, 2), col(terms, 2), 0, 0);
          assertClose('clippedHigh_t', col(got.terms, 3), col(terms, 3), 0, 0);
          assertClose('dlogp', got.dlogp, dlogp, 1e-6, 2e-4);
          assertClose('dentropy', got.dent, dent, 1e-6, 2e-4);
          expect(got.terms.every(Number.isFinite)).toBe(true);
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
    const L15 = Math.log(1.5), L05 = Math.log(0.5), L2 = Math.log(2);
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
    const terms = new Float32Array(4 * N);
    const dlogp = new Float32Array(N);
    const dent = new Float32Array(N);
    ref.policyLossForward(terms, logp, logpOld, logpRef, adv, weight, entropy, N, hp);
    ref.policyLossBackward(dlogp, dent, logp, logpOld, logpRef, adv, weight, N, hp);
    const got = await gpuLoss(logp, logpOld, logpRef, adv, weight, entropy, new Float32Array(N), new Float32Array(N), N, hp);
    for (const [who, r] of [['ref', { terms, dlogp, dent }], ['gpu', got]] as const) {
      const col = (c: number) => Array.from({ length: N }, (_, t) => r.terms[4 * t + c]);
      assertClose(`${who} loss_t`, col(0), wantLoss, 1e-6, 1e-5);
      assertClose(`${who} kl_t`, col(1), wantKl, 1e-6, 1e-5);
      assertClose(`${who} clippedLow_t`, col(2), wantLow, 0, 0);
      assertClose(`${who} clippedHigh_t`, col(3), wantHigh, 0, 0);
      assertClose(`${who} dlogp`, r.dlogp, wantDlogp, 1e-6, 1e-5);
      assertClose(`${who} dentropy`, r.dent, wantDent, 1e-6, 1e-5);
    }
  });
});

describe('kernel opsd advantage', () => {
  for (const N of [1, 7, 300]) {
    it(`matches the reference, N=${N}`, async () => {
      const g = await testGpu();
      const rng = mulberry32(N + 5);
      const ls = randomFloats(rng, N, 3).map((x) => x - 3);
      const lt = randomFloats(rng, N, 3).map((x) => x - 3);
      const want = new Float32Array(N);
      ref.opsdAdvantage(want, ls, lt, N);
      const bAdv = zerosGpu(g, N);
      await run(g, gpuK.opsdAdvantage(g, bAdv, toGpu(g, ls), toGpu(g, lt), N));
      assertClose('opsd adv', await fromGpu(g, bAdv, N), want, 1e-6, 1e-6);
    });
  }

  it('fed to the loss with beta 0 on-policy, the gradient is weight * (logpStudent - logpTeacher)', async () => {
    // r = 1 on-policy, so dlogp = -w A = w (log pi_s - log pi_t): descent lowers the reverse KL signal
    const g = await testGpu();
    const N = 9;
    const rng = mulberry32(77);
    const ls = randomFloats(rng, N, 2).map((x) => x - 2);
    const lt = randomFloats(rng, N, 2).map((x) => x - 2);
    const w = new Float32Array(N).fill(1 / N);
    const bAdv = zerosGpu(g, N);
    const bLs = toGpu(g, ls);
    const bDlogp = zerosGpu(g, N);
    const hp = { epsLow: 0.2, epsHigh: 0.28, beta: 0, entCoef: 0 };
    await run(g, [
      gpuK.opsdAdvantage(g, bAdv, bLs, toGpu(g, lt), N),
      gpuK.policyLossBackward(g, bDlogp, zerosGpu(g, N), bLs, bLs, zerosGpu(g, N), bAdv, toGpu(g, w), N, hp),
    ]);
    const want = Array.from(ls, (x, t) => (x - lt[t]) / N);
    assertClose('opsd dlogp', await fromGpu(g, bDlogp, N), want, 1e-6, 1e-5);
  });
});
