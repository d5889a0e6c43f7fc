// Softmax cross-entropy kernels against the CPU reference: tiny to GPT-2-sized vocabularies on both
// sides of ROW_THREAD_MAX_V (thread-per-row and workgroup-per-row entry points), ignored rows (negative
// targets), logits around 1e3 (stability), more than 65535 workgroups (grid wrap), and dlogits that
// start non-zero to prove accumulation.
import { describe, it, expect } from 'vitest';
import * as ref from '../../src/ref/crossentropy';
import * as gpuK from '../../src/kernels/crossentropy';
import { mulberry32, randomFloats, randomInts, type Rng } from '../../src/util/rng';
import { checkOp } from '../helpers/op-check';

/** Targets in [0, V), about one in five replaced by -1 (ignored), never all of them. */
function targetsWithIgnored(rng: Rng, N: number, V: number): Int32Array {
  const t = randomInts(rng, N, 0, V - 1);
  for (let n = 1; n < N; n++) if (rng() < 0.2) t[n] = -1;
  return t;
}

async function check(N: number, V: number, offset: number, seed: number, withBackward = true): Promise<Float32Array> {
  const rng = mulberry32(seed);
  const logits = randomFloats(rng, N * V, 4).map((x) => x + offset); // (N,V)
  const targets = targetsWithIgnored(rng, N, V); // (N)
  const dlosses = randomFloats(rng, N); // (N)
  const grads: Record<string, Float32Array> = withBackward ? { dlogits: randomFloats(rng, N * V) } : {}; // (N,V) accumulated into
  const { got } = await checkOp({
    name: `crossentropy N=${N} V=${V}`,
    inputs: { logits, targets, dlosses },
    outputs: { losses: new Float32Array(N).fill(7) }, // every row must be written, ignored ones with 0
    grads,
    ref: (a) => {
      ref.crossentropyForward(a.losses, a.logits, a.targets, N, V);
      if (withBackward) ref.crossentropyBackward(a.dlogits, a.logits, a.targets, a.dlosses, N, V);
    },
    gpu: (g, b) => [
      gpuK.crossentropyForward(g, b.losses, b.logits, b.targets, N, V),
      ...(withBackward ? [gpuK.crossentropyBackward(g, b.dlogits, b.logits, b.targets, b.dlosses, N, V)] : []),
    ],
    // offset logits lose precision in float32 itself (ulp(1000) = 6e-5): a looser absolute tolerance
    forwardTol: [offset ? 3e-4 : 2e-5, 1e-4],
    gradTol: [1e-5, 1e-4],
  });
  return got.losses as Float32Array;
}

describe('kernel crossentropy', () => {
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
    const V = 10;
    const logits = new Float32Array(2 * V);
    logits[3] = 50; // row 0: certain of token 3; row 1: all equal
    await checkOp({
      name: 'crossentropy known losses',
      inputs: { logits, targets: Int32Array.from([3, 6]) },
      outputs: { losses: new Float32Array(2) },
      ref: (a) => a.losses.set([0, Math.log(V)]),
      gpu: (g, b) => gpuK.crossentropyForward(g, b.losses, b.logits, b.targets, 2, V),
      forwardTol: [1e-6, 1e-6],
    });
  });
});
