// Log-probability and entropy kernels against the CPU reference: tiny to GPT-2-sized vocabularies on
// both sides of ROW_THREAD_MAX_V (thread-per-row and workgroup-per-row entry points), negative
// targets (logp 0, entropy still computed and differentiated), logits around 1e3, and dlogits that
// start non-zero to prove accumulation.
import { describe, it, expect } from 'vitest';
import * as ref from '../../src/ref/logprob';
import * as gpuK from '../../src/kernels/logprob';
import { mulberry32, randomFloats, randomInts } from '../../src/util/rng';
import { testGpu, toGpu, fromGpu, run } from '../helpers/gpu';
import { assertClose } from '../helpers/compare';

async function check(N: number, V: number, offset: number, seed: number): Promise<{ logp: Float32Array; entropy: Float32Array }> {
  const g = await testGpu();
  const rng = mulberry32(seed);
  const logits = randomFloats(rng, N * V, 4);
  for (let i = 0; i < logits.length; i++) logits[i] += offset;
  const targets = randomInts(rng, N, 0, V - 1);
  for (let n = 1; n < N; n++) if (rng() < 0.2) targets[n] = -1;
  const dlogp = randomFloats(rng, N);
  const dentropy = randomFloats(rng, N);
  const dlogits0 = randomFloats(rng, N * V);
  const logp = new Float32Array(N);
  const entropy = new Float32Array(N);
  const dlogits = dlogits0.slice();
  ref.logprobForward(logp, entropy, logits, targets, N, V);
  ref.logprobBackward(dlogits, logits, targets, dlogp, dentropy, N, V);

  const bLogp = toGpu(g, new Float32Array(N).fill(7));
  const bEnt = toGpu(g, new Float32Array(N).fill(7));
  const bLogits = toGpu(g, logits);
  const bTargets = toGpu(g, targets);
  const bDlogits = toGpu(g, dlogits0);
  await run(g, [
    gpuK.logprobForward(g, bLogp, bEnt, bLogits, bTargets, N, V),
    gpuK.logprobBackward(g, bDlogits, bLogits, bTargets, toGpu(g, dlogp), toGpu(g, dentropy), N, V),
  ]);
  const got = { logp: await fromGpu(g, bLogp, N), entropy: await fromGpu(g, bEnt, N) };
  const atol = offset ? 3e-4 : 2e-5; // ulp(1000) = 6e-5 in the float32 logits themselves
  assertClose('logprob logp', got.logp, logp, atol, 1e-4);
  assertClose('logprob entropy', got.entropy, entropy, 2e-5, 1e-4);
  assertClose('logprob dlogits', await fromGpu(g, bDlogits, N * V), dlogits, 1e-5, 1e-4);
  return got;
}

describe('kernel logprob', () => {
  // thread per row (V <= 1024): the first five; workgroup per row: the last three
  const shapes: [number, number][] = [[1, 3], [5, 99], [37, 130], [64, 1000], [40, 1024], [3, 1025], [3, 5000], [2, 50257]];
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
    const g = await testGpu();
    const V = 8;
    const logits = new Float32Array(2 * V);
    logits[5] = 60;
    const bLogp = toGpu(g, new Float32Array(2));
    const bEnt = toGpu(g, new Float32Array(2));
    await run(g, gpuK.logprobForward(g, bLogp, bEnt, toGpu(g, logits), toGpu(g, new Int32Array([5, 2])), 2, V));
    assertClose('known logp', await fromGpu(g, bLogp, 2), [0, -Math.log(V)], 1e-6, 1e-6);
    assertClose('known entropy', await fromGpu(g, bEnt, 2), [0, Math.log(V)], 1e-5, 1e-6);
  });
});
