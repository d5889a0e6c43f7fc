// Checks of the matmul CPU reference: finite differences of every backward, and the meaning of the
// generic matmul's flags (transposes against explicitly transposed copies, bias, accumulation).
import { describe, expect, it } from 'vitest';
import * as ref from '../../src/ref/matmul';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { gradCheck, weightedSum } from '../helpers/gradcheck';
import { assertClose } from '../helpers/compare';

/** (R,C) -> (C,R) copy. */
function transpose(x: Float32Array, R: number, C: number): Float32Array {
  const t = new Float32Array(R * C);
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) t[c * R + r] = x[r * C + c];
  return t;
}

describe('ref matmul', () => {
  it('linear backward (dinp, dweight, dbias) matches finite differences', () => {
    const rng = mulberry32(3);
    const [M, K, N] = [5, 7, 6];
    const inp = randomFloats(rng, M * K);
    const weight = randomFloats(rng, K * N);
    const bias = randomFloats(rng, N);
    const w = randomFloats(rng, M * N); // L = sum(out * w), so dout = w
    const out = new Float32Array(M * N);
    const dinp = new Float32Array(M * K);
    const dweight = new Float32Array(K * N);
    const dbias = new Float32Array(N);
    ref.matmulBackward(dinp, dweight, dbias, w, inp, weight, M, K, N);
    gradCheck({
      name: 'linear',
      inputs: { inp, weight, bias },
      analytic: { inp: dinp, weight: dweight, bias: dbias },
      probes: 20,
      loss: () => (ref.matmulForward(out, inp, weight, bias, M, K, N), weightedSum(out, w)),
    });
  });

  it('tied output layer backward (dinp, dweight) matches finite differences', () => {
    const rng = mulberry32(4);
    const [M, K, N] = [4, 6, 9];
    const inp = randomFloats(rng, M * K);
    const weight = randomFloats(rng, N * K);
    const w = randomFloats(rng, M * N);
    const out = new Float32Array(M * N);
    const dinp = new Float32Array(M * K);
    const dweight = new Float32Array(N * K);
    ref.matmulTransBBackward(dinp, dweight, w, inp, weight, M, K, N);
    gradCheck({
      name: 'tied',
      inputs: { inp, weight },
      analytic: { inp: dinp, weight: dweight },
      probes: 20,
      loss: () => (ref.matmulTransBForward(out, inp, weight, M, K, N), weightedSum(out, w)),
    });
  });

  it('backward passes accumulate into their gradients', () => {
    const rng = mulberry32(5);
    const [M, K, N] = [3, 4, 5];
    const inp = randomFloats(rng, M * K);
    const weight = randomFloats(rng, K * N);
    const dout = randomFloats(rng, M * N);
    const once = [new Float32Array(M * K), new Float32Array(K * N), new Float32Array(N)] as const;
    const twice = [new Float32Array(M * K), new Float32Array(K * N), new Float32Array(N)] as const;
    ref.matmulBackward(...once, dout, inp, weight, M, K, N);
    ref.matmulBackward(...twice, dout, inp, weight, M, K, N);
    ref.matmulBackward(...twice, dout, inp, weight, M, K, N);
    for (let i = 0; i < 3; i++)
      assertClose(
        `linear grad ${i}`,
        twice[i],
        once[i].map((v) => 2 * v),
        1e-6,
        1e-6,
      );
    const tOnce = [new Float32Array(M * K), new Float32Array(N * K)] as const;
    const tTwice = [new Float32Array(M * K), new Float32Array(N * K)] as const;
    const wT = transpose(weight, K, N); // (N,K)
    ref.matmulTransBBackward(...tOnce, dout, inp, wT, M, K, N);
    ref.matmulTransBBackward(...tTwice, dout, inp, wT, M, K, N);
    ref.matmulTransBBackward(...tTwice, dout, inp, wT, M, K, N);
    for (let i = 0; i < 2; i++)
      assertClose(
        `tied grad ${i}`,
        tTwice[i],
        tOnce[i].map((v) => 2 * v),
        1e-6,
        1e-6,
      );
    // The tied layer with Wᵀ stored is the linear layer with W: same dinp.
    assertClose('tied dinp == linear dinp', tOnce[0], once[0], 1e-5, 1e-5);
  });

  it('transpose flags, bias and accumulate mean what they say', () => {
    const rng = mulberry32(6);
    const [M, K, N] = [4, 5, 3];
    const a = randomFloats(rng, M * K); // (M,K)
    const b = randomFloats(rng, K * N); // (K,N)
    const bias = randomFloats(rng, N);
    const plain = new Float32Array(M * N);
    ref.matmul(plain, a, b, null, M, K, N);
    // One hand-computed element: out[1,2] = sum_k a[1,k] b[k,2].
    let s = 0;
    for (let k = 0; k < K; k++) s += a[1 * K + k] * b[k * N + 2];
    expect(plain[1 * N + 2]).toBeCloseTo(s, 5);
    const aT = transpose(a, M, K); // (K,M)
    const bT = transpose(b, K, N); // (N,K)
    for (const [transA, transB] of [
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const got = new Float32Array(M * N);
      ref.matmul(got, transA ? aT : a, transB ? bT : b, null, M, K, N, { transA, transB });
      assertClose(`transA=${transA} transB=${transB}`, got, plain, 1e-6, 1e-6);
    }
    const withBias = new Float32Array(M * N);
    ref.matmul(withBias, a, b, bias, M, K, N);
    assertClose(
      'bias',
      withBias,
      plain.map((v, i) => v + bias[i % N]),
      1e-6,
      1e-6,
    );
    const acc = randomFloats(rng, M * N);
    const start = acc.slice();
    ref.matmul(acc, a, b, null, M, K, N, { accumulate: true });
    assertClose(
      'accumulate',
      acc,
      start.map((v, i) => v + plain[i]),
      1e-6,
      1e-6,
    );
    expect(() => ref.matmul(acc, a, b, bias, M, K, N, { accumulate: true })).toThrow(/accumulate/);
  });
});
