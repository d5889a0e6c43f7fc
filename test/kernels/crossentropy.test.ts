// Softmax cross-entropy kernels against the CPU reference: tiny to GPT-2-sized vocabularies on both
// sides of ROW_THREAD_MAX_V (thread-per-row and workgroup-per-row entry points), ignored rows (negative
// targets), logits around 1e3 (stability), more than 65535 workgroups (grid wrap), and dlogits that
// start non-zero to prove accumulation.
import { describe, it, expect } from 'vitest';
import * as ref from '../../src/ref/crossentropy';
import * as gpuK from '../../src/kernels/crossentropy';
import { mulberry32, randomFloats, randomInts, type Rng } from '../../src/util/rng';
import { testGpu, toGpu, fromGpu, run } from '../helpers/gpu';
import { assertClose } from '../helpers/compare';

/** Targets in [0, V), about one in five replaced by -1 (ignored), never all of them. */
function targetsWithIgnored(rng: Rng, N: number, V: number): Int32Array {
  const t = randomInts(rng, N, 0, V - 1);
  for (let n = 1; n < N; n++) if (rng() < 0.2) t[n] = -1;
  return t;
}

async function check(N: number, V: number, offset: number, seed: number, withBackward = true): Promise<Float32Array> {
  const g = await testGpu();
  const rng = mulberry32(seed);
  const logits = randomFloats(rng, N * V, 4);
  for (let i = 0; i < logits.length; i++) logits[i] += offset;
  const targets = targetsWithIgnored(rng, N, V);
  const dlosses = randomFloats(rng, N);
  const losses = new Float32Array(N);
  ref.crossentropyForward(losses, logits, targets, N, V);
  const bLosses = toGpu(g, new Float32Array(N).fill(7)); // every row must be written, ignored ones with 0
  const bLogits = toGpu(g, logits);
  const bTargets = toGpu(g, targets);
  const dispatches = [gpuK.crossentropyForward(g, bLosses, bLogits, bTargets, N, V)];
  const dlogits0 = randomFloats(rng, N * V);
  const bDlogits = toGpu(g, dlogits0);
  if (withBackward) dispatches.push(gpuK.crossentropyBackward(g, bDlogits, bLogits, bTargets, toGpu(g, dlosses), N, V));
  await run(g, dispatches);
  const got = await fromGpu(g, bLosses, N);
  // offset logits lose precision in float32 itself (ulp(1000) = 6e-5): a looser absolute tolerance
  assertClose('crossentropy losses', got, losses, offset ? 3e-4 : 2e-5, 1e-4);
  if (withBackward) {
    const dlogits = dlogits0.slice();
    ref.crossentropyBackward(dlogits, logits, targets, dlosses, N, V);
    assertClose('crossentropy dlogits', await fromGpu(g, bDlogits, N * V), dlogits, 1e-5, 1e-4);
  }
  return got;
}

describe('kernel crossentropy', () => {
  // thread per row (V <= 1024): the first five; workgroup per row: the last three
  const shapes: [number, number][] = [[1, 3], [5, 99], [37, 130], [64, 1000], [40, 1024], [3, 1025], [3, 5000], [2, 50257]];
  for (const [N, V] of shapes) {
    it(`forward and backward, N=${N} V=${V}`, async () => {
      await check(N, V, 0, N * 131 + V);
    });
  }

  it('is stable for logits around 1e3', async () => {
    const losses = await check(9, 77, 1000, 5);
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);
  });

  it('wraps more than 65535 workgroups into y (forward, thread per row)', async () => {
    await check(65536 * 16 + 40, 2, 0, 17, false); // 16 rows per workgroup in the thread-per-row entry point
  });

  it('gives loss ~0 for a confident correct row and -log(1/V) for a flat one', async () => {
    const g = await testGpu();
    const V = 10;
    const logits = new Float32Array(2 * V);
    logits[3] = 50; // row 0: certain of token 3; row 1: all equal
    const bLosses = toGpu(g, new Float32Array(2));
    await run(g, gpuK.crossentropyForward(g, bLosses, toGpu(g, logits), toGpu(g, new Int32Array([3, 6])), 2, V));
    assertClose('known losses', await fromGpu(g, bLosses, 2), [0, Math.log(V)], 1e-6, 1e-6);
  });
});
