// Matmul kernels against the CPU reference: every transpose combination with and without bias and
// accumulation, on shapes that are not multiples of the 8x8 register block or of either workgroup
// shape, including one-row and one-element products; backward outputs start from random values.
import { describe, expect, it } from 'vitest';
import * as ref from '../../src/ref/matmul';
import * as gpuK from '../../src/kernels/matmul';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { testGpu, toGpu } from '../helpers/gpu';
import { checkOp, type Tol } from '../helpers/op-check';

// (M, K, N). The last one is large enough for the 8x8-thread workgroup shape (more than 256 tiles of
// 32x32), the others use 4x4.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 5],
  [3, 17, 33],
  [37, 64, 130],
  [64, 256, 99],
  [200, 24, 300],
  [521, 3, 530],
];
const TRANS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

// f32 sums of `len` products against float64 sums: the error grows with the reduction length.
const tol = (len: number): Tol => [2e-6 + 2e-7 * len, 2e-5];

describe('kernel matmul', () => {
  for (const [M, K, N] of SHAPES) {
    for (const [transA, transB] of TRANS) {
      it(`matmul M=${M} K=${K} N=${N} transA=${transA} transB=${transB}: plain, bias, accumulate`, async () => {
        const rng = mulberry32(M * 10007 + K * 101 + N + (transA ? 1 : 0) * 7 + (transB ? 1 : 0) * 13);
        const opts = { transA, transB };
        const acc = { ...opts, accumulate: true };
        await checkOp({
          name: `matmul M=${M} K=${K} N=${N} transA=${transA} transB=${transB}`,
          inputs: { a: randomFloats(rng, M * K), b: randomFloats(rng, K * N), bias: randomFloats(rng, N) }, // (M,K)|(K,M), (K,N)|(N,K), (N)
          outputs: {
            acc: randomFloats(rng, M * N), // (M,N) accumulation target
            // Outputs start from garbage where they are overwritten, to prove they are not accumulated.
            plain: randomFloats(rng, M * N),
            withBias: randomFloats(rng, M * N),
          },
          ref: (x) => {
            ref.matmul(x.plain, x.a, x.b, null, M, K, N, opts);
            ref.matmul(x.withBias, x.a, x.b, x.bias, M, K, N, opts);
            ref.matmul(x.acc, x.a, x.b, null, M, K, N, acc);
          },
          gpu: (g, x) => [
            gpuK.matmul(g, x.plain, x.a, x.b, null, M, K, N, opts),
            gpuK.matmul(g, x.withBias, x.a, x.b, x.bias, M, K, N, opts),
            gpuK.matmul(g, x.acc, x.a, x.b, null, M, K, N, acc),
          ],
          forwardTol: tol(K),
        });
      });
    }
  }

  for (const [M, K, N] of SHAPES) {
    it(`linear forward and backward (x·W + b) M=${M} K=${K} N=${N}`, async () => {
      const rng = mulberry32(7 * M + 31 * K + N);
      await checkOp({
        name: `linear M=${M} K=${K} N=${N}`,
        inputs: {
          inp: randomFloats(rng, M * K),
          weight: randomFloats(rng, K * N),
          bias: randomFloats(rng, N),
          dout: randomFloats(rng, M * N),
        },
        outputs: { out: new Float32Array(M * N) }, // (M,N)
        grads: { dinp: randomFloats(rng, M * K), dweight: randomFloats(rng, K * N), dbias: randomFloats(rng, N) },
        ref: (x) => {
          ref.matmulForward(x.out, x.inp, x.weight, x.bias, M, K, N);
          ref.matmulBackward(x.dinp, x.dweight, x.dbias, x.dout, x.inp, x.weight, M, K, N);
        },
        gpu: (g, x) => [
          gpuK.matmulForward(g, x.out, x.inp, x.weight, x.bias, M, K, N),
          ...gpuK.matmulBackward(g, x.dinp, x.dweight, x.dbias, x.dout, x.inp, x.weight, M, K, N),
        ],
        forwardTol: tol(K),
        gradTol: tol(M), // dweight and dbias reduce over M rows
        tol: { dinp: tol(N) },
      });
    });

    it(`tied output layer (x·Wᵀ) forward and backward M=${M} K=${K} N=${N}`, async () => {
      const rng = mulberry32(11 * M + 3 * K + 5 * N);
      await checkOp({
        name: `tied M=${M} K=${K} N=${N}`,
        inputs: { inp: randomFloats(rng, M * K), weight: randomFloats(rng, N * K), dout: randomFloats(rng, M * N) }, // (M,K), (N,K), (M,N)
        outputs: { out: new Float32Array(M * N) },
        grads: { dinp: randomFloats(rng, M * K), dweight: randomFloats(rng, N * K) },
        ref: (x) => {
          ref.matmulTransBForward(x.out, x.inp, x.weight, M, K, N);
          ref.matmulTransBBackward(x.dinp, x.dweight, x.dout, x.inp, x.weight, M, K, N);
        },
        gpu: (g, x) => [
          gpuK.matmulTransBForward(g, x.out, x.inp, x.weight, M, K, N),
          ...gpuK.matmulTransBBackward(g, x.dinp, x.dweight, x.dout, x.inp, x.weight, M, K, N),
        ],
        forwardTol: tol(K),
        gradTol: tol(M),
        tol: { dinp: tol(N) },
      });
    });
  }

  it('linear backward without a bias leaves no bias dispatch and matches the reference', async () => {
    const [M, K, N] = [5, 9, 11];
    const rng = mulberry32(99);
    let count = 0;
    await checkOp({
      name: 'linear backward, no bias',
      inputs: { inp: randomFloats(rng, M * K), weight: randomFloats(rng, K * N), dout: randomFloats(rng, M * N) },
      outputs: {},
      grads: { dinp: randomFloats(rng, M * K), dweight: randomFloats(rng, K * N) },
      ref: (x) => ref.matmulBackward(x.dinp, x.dweight, null, x.dout, x.inp, x.weight, M, K, N),
      gpu: (g, x) => {
        const ds = gpuK.matmulBackward(g, x.dinp, x.dweight, null, x.dout, x.inp, x.weight, M, K, N);
        count = ds.length;
        return ds;
      },
      gradTol: tol(M),
      tol: { dinp: tol(N) },
    });
    expect(count).toBe(2);
  });

  for (const [M, N] of [
    [1, 1],
    [1, 40],
    [7, 33],
    [300, 65],
  ]) {
    it(`bias backward M=${M} N=${N}`, async () => {
      const rng = mulberry32(M * 1000 + N);
      const dout = randomFloats(rng, M * N); // (M,N)
      await checkOp({
        name: `bias backward M=${M} N=${N}`,
        inputs: { dout },
        outputs: {},
        grads: { dbias: randomFloats(rng, N) },
        ref: (x) => ref.matmulBiasBackward(x.dbias, x.dout, M, N),
        gpu: (g, x) => gpuK.matmulBiasBackward(g, x.dbias, x.dout, M, N),
        gradTol: tol(M),
      });
    });
  }

  it('refuses accumulate together with a bias', async () => {
    const g = await testGpu();
    const x = toGpu(g, new Float32Array(4));
    expect(() => gpuK.matmul(g, x, x, x, x, 2, 2, 2, { accumulate: true })).toThrow(/accumulate/);
  });
});
