// Matmul kernels against the CPU reference: every transpose combination with and without bias and
// accumulation, on shapes that are not multiples of the 8x8 register block or of either workgroup
// shape, including one-row and one-element products; backward outputs start from random values.
import { describe, expect, it } from 'vitest';
import * as ref from '../../src/ref/matmul';
import * as gpuK from '../../src/kernels/matmul';
import { mulberry32, randomFloats, type Rng } from '../../src/util/rng';
import { testGpu, toGpu, fromGpu, run } from '../helpers/gpu';
import { assertClose } from '../helpers/compare';

// (M, K, N). The last one is large enough for the 8x8-thread workgroup shape, the others use 4x4.
const SHAPES: [number, number, number][] = [[1, 1, 1], [1, 7, 5], [3, 17, 33], [37, 64, 130], [64, 256, 99], [200, 24, 300]];
const TRANS: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

// f32 sums of K products against float64 sums: the error grows with the reduction length.
const atol = (len: number) => 2e-6 + 2e-7 * len;
const RTOL = 2e-5;

describe('kernel matmul', () => {
  for (const [M, K, N] of SHAPES) {
    for (const [transA, transB] of TRANS) {
      it(`matmul M=${M} K=${K} N=${N} transA=${transA} transB=${transB}: plain, bias, accumulate`, async () => {
        const g = await testGpu();
        const rng = mulberry32(M * 10007 + K * 101 + N + (transA ? 1 : 0) * 7 + (transB ? 1 : 0) * 13);
        const a = randomFloats(rng, M * K); // (M,K) or (K,M)
        const b = randomFloats(rng, K * N); // (K,N) or (N,K)
        const bias = randomFloats(rng, N);
        const out0 = randomFloats(rng, M * N); // accumulation target
        const opts = { transA, transB };
        const want = { plain: new Float32Array(M * N), bias: new Float32Array(M * N), acc: out0.slice() };
        ref.matmul(want.plain, a, b, null, M, K, N, opts);
        ref.matmul(want.bias, a, b, bias, M, K, N, opts);
        ref.matmul(want.acc, a, b, null, M, K, N, { ...opts, accumulate: true });
        const bA = toGpu(g, a);
        const bB = toGpu(g, b);
        const bBias = toGpu(g, bias);
        // Outputs start from garbage where they are overwritten, to prove they are not accumulated.
        const bPlain = toGpu(g, randomFloats(rng, M * N));
        const bWithBias = toGpu(g, randomFloats(rng, M * N));
        const bAcc = toGpu(g, out0);
        await run(g, [
          gpuK.matmul(g, bPlain, bA, bB, null, M, K, N, opts),
          gpuK.matmul(g, bWithBias, bA, bB, bBias, M, K, N, opts),
          gpuK.matmul(g, bAcc, bA, bB, null, M, K, N, { ...opts, accumulate: true }),
        ]);
        assertClose('matmul', await fromGpu(g, bPlain, M * N), want.plain, atol(K), RTOL);
        assertClose('matmul + bias', await fromGpu(g, bWithBias, M * N), want.bias, atol(K), RTOL);
        assertClose('matmul accumulate', await fromGpu(g, bAcc, M * N), want.acc, atol(K), RTOL);
      });
    }
  }

  for (const [M, K, N] of SHAPES) {
    it(`linear forward and backward (x·W + b) M=${M} K=${K} N=${N}`, async () => {
      const g = await testGpu();
      const rng = mulberry32(7 * M + 31 * K + N);
      const inp = randomFloats(rng, M * K); // (M,K)
      const weight = randomFloats(rng, K * N); // (K,N)
      const bias = randomFloats(rng, N); // (N)
      const dout = randomFloats(rng, M * N); // (M,N)
      const grads0 = { dinp: randomFloats(rng, M * K), dweight: randomFloats(rng, K * N), dbias: randomFloats(rng, N) };
      const out = new Float32Array(M * N);
      const dinp = grads0.dinp.slice();
      const dweight = grads0.dweight.slice();
      const dbias = grads0.dbias.slice();
      ref.matmulForward(out, inp, weight, bias, M, K, N);
      ref.matmulBackward(dinp, dweight, dbias, dout, inp, weight, M, K, N);
      const bOut = toGpu(g, new Float32Array(M * N));
      const bInp = toGpu(g, inp);
      const bWeight = toGpu(g, weight);
      const bBias = toGpu(g, bias);
      const bDout = toGpu(g, dout);
      const bDinp = toGpu(g, grads0.dinp);
      const bDweight = toGpu(g, grads0.dweight);
      const bDbias = toGpu(g, grads0.dbias);
      await run(g, [
        gpuK.matmulForward(g, bOut, bInp, bWeight, bBias, M, K, N),
        ...gpuK.matmulBackward(g, bDinp, bDweight, bDbias, bDout, bInp, bWeight, M, K, N),
      ]);
      assertClose('linear out', await fromGpu(g, bOut, M * N), out, atol(K), RTOL);
      assertClose('linear dinp', await fromGpu(g, bDinp, M * K), dinp, atol(N), RTOL);
      assertClose('linear dweight', await fromGpu(g, bDweight, K * N), dweight, atol(M), RTOL);
      assertClose('linear dbias', await fromGpu(g, bDbias, N), dbias, atol(M), RTOL);
    });

    it(`tied output layer (x·Wᵀ) forward and backward M=${M} K=${K} N=${N}`, async () => {
      const g = await testGpu();
      const rng = mulberry32(11 * M + 3 * K + 5 * N);
      const inp = randomFloats(rng, M * K); // (M,K)
      const weight = randomFloats(rng, N * K); // (N,K)
      const dout = randomFloats(rng, M * N); // (M,N)
      const dinp0 = randomFloats(rng, M * K);
      const dweight0 = randomFloats(rng, N * K);
      const out = new Float32Array(M * N);
      const dinp = dinp0.slice();
      const dweight = dweight0.slice();
      ref.matmulTransBForward(out, inp, weight, M, K, N);
      ref.matmulTransBBackward(dinp, dweight, dout, inp, weight, M, K, N);
      const bOut = toGpu(g, new Float32Array(M * N));
      const bInp = toGpu(g, inp);
      const bWeight = toGpu(g, weight);
      const bDout = toGpu(g, dout);
      const bDinp = toGpu(g, dinp0);
      const bDweight = toGpu(g, dweight0);
      await run(g, [
        gpuK.matmulTransBForward(g, bOut, bInp, bWeight, M, K, N),
        ...gpuK.matmulTransBBackward(g, bDinp, bDweight, bDout, bInp, bWeight, M, K, N),
      ]);
      assertClose('tied out', await fromGpu(g, bOut, M * N), out, atol(K), RTOL);
      assertClose('tied dinp', await fromGpu(g, bDinp, M * K), dinp, atol(N), RTOL);
      assertClose('tied dweight', await fromGpu(g, bDweight, N * K), dweight, atol(M), RTOL);
    });
  }

  it('linear backward without a bias leaves no bias dispatch and matches the reference', async () => {
    const g = await testGpu();
    const [M, K, N] = [5, 9, 11];
    const rng: Rng = mulberry32(99);
    const inp = randomFloats(rng, M * K);
    const weight = randomFloats(rng, K * N);
    const dout = randomFloats(rng, M * N);
    const dinp = randomFloats(rng, M * K);
    const dweight = randomFloats(rng, K * N);
    const bDinp = toGpu(g, dinp);
    const bDweight = toGpu(g, dweight);
    const ds = gpuK.matmulBackward(g, bDinp, bDweight, null, toGpu(g, dout), toGpu(g, inp), toGpu(g, weight), M, K, N);
    expect(ds.length).toBe(2);
    await run(g, ds);
    ref.matmulBackward(dinp, dweight, null, dout, inp, weight, M, K, N);
    assertClose('dinp', await fromGpu(g, bDinp, M * K), dinp, atol(N), RTOL);
    assertClose('dweight', await fromGpu(g, bDweight, K * N), dweight, atol(M), RTOL);
  });

  for (const [M, N] of [[1, 1], [1, 40], [7, 33], [300, 65]]) {
    it(`bias backward M=${M} N=${N}`, async () => {
      const g = await testGpu();
      const rng = mulberry32(M * 1000 + N);
      const dout = randomFloats(rng, M * N); // (M,N)
      const dbias0 = randomFloats(rng, N);
      const dbias = dbias0.slice();
      ref.matmulBiasBackward(dbias, dout, M, N);
      const bDbias = toGpu(g, dbias0);
      await run(g, gpuK.matmulBiasBackward(g, bDbias, toGpu(g, dout), M, N));
      assertClose('dbias', await fromGpu(g, bDbias, N), dbias, atol(M), RTOL);
    });
  }

  it('refuses accumulate together with a bias', async () => {
    const g = await testGpu();
    const x = toGpu(g, new Float32Array(4));
    expect(() => gpuK.matmul(g, x, x, x, x, 2, 2, 2, { accumulate: true })).toThrow(/accumulate/);
  });
});
