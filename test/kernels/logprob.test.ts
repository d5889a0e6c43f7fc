// Log-probability and entropy kernels against the CPU reference: tiny to GPT-2-sized vocabularies on
// both sides of ROW_THREAD_MAX_V (thread-per-row and workgroup-per-row entry points), negative
// targets (logp 0, entropy still computed and differentiated), logits around 1e3, and dlogits that
// start non-zero to prove accumulation.
import { describe, it, expect } from 'vitest';
import * as ref from '../../src/ref/logprob';
import * as gpuK from '../../src/kernels/logprob';
import { mulberry32, randomFloats, randomInts } from '../../src/util/rng';
import { checkOp } from '../helpers/op-check';

async function check(N: number, V: number, offset: number, seed: number) {
  const rng = mulberry32(seed);
  const logits = randomFloats(rng, N * V, 4).map((x) => x + offset); // (N,V)
  const targets = randomInts(rng, N, 0, V - 1); // (N), some negative
  for (let n = 1; n < N; n++) if (rng() < 0.2) targets[n] = -1;
  const { got } = await checkOp({
    name: `logprob N=${N} V=${V}`,
    inputs: { logits, targets, dlogp: randomFloats(rng, N), dentropy: randomFloats(rng, N) },
    outputs: { logp: new Float32Array(N).fill(7), entropy: new Float32Array(N).fill(7) },
    grads: { dlogits: randomFloats(rng, N * V) },
    ref: (a) => {
      ref.logprobForward(a.logp, a.entropy, a.logits, a.targets, N, V);
      ref.logprobBackward(a.dlogits, a.logits, a.targets, a.dlogp, a.dentropy, N, V);
    },
    gpu: (g, b) => [
      gpuK.logprobForward(g, b.logp, b.entropy, b.logits, b.targets, N, V),
      gpuK.logprobBackward(g, b.dlogits, b.logits, b.targets, b.dlogp, b.dentropy, N, V),
    ],
    forwardTol: [offset ? 3e-4 : 2e-5, 1e-4], // ulp(1000) = 6e-5 in the float32 logits themselves
    gradTol: [1e-5, 1e-4],
    tol: { entropy: [2e-5, 1e-4] },
  });
  return { logp: got.logp, entropy: got.entropy };
}

describe('kernel logprob', () => {
  // thread per row (V <= 1024): the first five; workgroup per row: the last three
  const shapes: [number, number][] = [
    [1, 3],
    [5, 99],
    [37, 130],
    [64, 1000],
    [40, 1024],
    [3, 1025],
    [3, 5000],
    [2, 50257],
  ];
  for (const [N, V] of shapes) {
    it(`forward and backward, N=${N} V=${V}`, async () => {
      await check(N, V, 0, N * 977 + V);
    });
  }

  it('is stable for logits around 1e3', async () => {
    const { logp, entropy } = await check(9, 77, 1000, 3);
    for (let n = 0; n < 9; n++) {
      expect(Number.isFinite(logp[n]) && logp[n] <= 0).toBe(true);
      expect(Number.isFinite(entropy[n])).toBe(true);
    }
  });

  it('gives known values: certain row (logp 0, entropy 0) and flat row (entropy log V)', async () => {
    const V = 8;
    const logits = new Float32Array(2 * V);
    logits[5] = 60;
    await checkOp({
      name: 'logprob known values',
      inputs: { logits, targets: Int32Array.from([5, 2]) },
      outputs: { logp: new Float32Array(2), entropy: new Float32Array(2) },
      ref: (a) => (a.logp.set([0, -Math.log(V)]), a.entropy.set([0, Math.log(V)])),
      gpu: (g, b) => gpuK.logprobForward(g, b.logp, b.entropy, b.logits, b.targets, 2, V),
      forwardTol: [1e-6, 1e-6],
      tol: { entropy: [1e-5, 1e-6] },
    });
  });
});
