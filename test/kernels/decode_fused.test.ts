// The decoder's fused kernels against the CPU reference: matmul with a GELU epilogue and matmul added
// into a residual stream (with and without bias), and the cache append fused with the attention of one
// query (attention_decode_kv), on sizes that fit no block or workgroup, head sizes that are not
// multiples of 4, one row, the first and the last cache position, and t == Tmax (nothing written).
// Outputs and caches start from random values, so untouched rows and skipped writes are checked too.
import { describe, it } from 'vitest';
import * as refM from '../../src/ref/matmul';
import * as gpuM from '../../src/kernels/matmul';
import * as ref from '../../src/ref/kv_decode';
import * as gpuK from '../../src/kernels/kv_decode';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { checkOp } from '../helpers/op-check';

// (M, K, N): one row, odd sizes, and one large enough for the 8x8-thread workgroup shape.
const MM: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 5],
  [3, 17, 33],
  [32, 64, 256],
  [70, 40, 300],
];

describe('kernel matmul epilogues for decoding', () => {
  for (const [M, K, N] of MM) {
    it(`matmulGelu and matmulResidual M=${M} K=${K} N=${N}`, async () => {
      const rng = mulberry32(M * 131 + K * 17 + N);
      await checkOp({
        name: `matmul epilogues M=${M} K=${K} N=${N}`,
        inputs: { a: randomFloats(rng, M * K, 2), w: randomFloats(rng, K * N), bias: randomFloats(rng, N) }, // (M,K), (K,N), (N)
        outputs: {
          gelu: randomFloats(rng, M * N), // (M,N) overwritten
          geluNoBias: randomFloats(rng, M * N),
          res: randomFloats(rng, M * N), // (M,N) residual stream, added into
          resNoBias: randomFloats(rng, M * N),
        },
        ref: (x) => {
          refM.matmulGelu(x.gelu, x.a, x.w, x.bias, M, K, N);
          refM.matmulGelu(x.geluNoBias, x.a, x.w, null, M, K, N);
          refM.matmulResidual(x.res, x.a, x.w, x.bias, M, K, N);
          refM.matmulResidual(x.resNoBias, x.a, x.w, null, M, K, N);
        },
        gpu: (g, x) => [
          gpuM.matmulGelu(g, x.gelu, x.a, x.w, x.bias, M, K, N),
          gpuM.matmulGelu(g, x.geluNoBias, x.a, x.w, null, M, K, N),
          gpuM.matmulResidual(g, x.res, x.a, x.w, x.bias, M, K, N),
          gpuM.matmulResidual(g, x.resNoBias, x.a, x.w, null, M, K, N),
        ],
        forwardTol: [2e-6 + 4e-7 * K, 2e-5],
      });
    });
  }
});

// [S, C, NH, Tmax, t]: head sizes 1, 3, 5, 8, 11, 16 (not all multiples of 4).
const ATT: [number, number, number, number, number][] = [
  [1, 4, 4, 1, 0],
  [1, 24, 3, 9, 8],
  [3, 33, 3, 17, 0],
  [5, 64, 4, 70, 69],
  [7, 40, 5, 130, 77],
  [4, 15, 5, 12, 5],
  [2, 16, 2, 6, 6], // t == Tmax: nothing is written
];

describe('kernel attention_decode_kv', () => {
  for (const [S, C, NH, Tmax, t] of ATT) {
    it(`attentionDecodeKv S=${S} C=${C} NH=${NH} Tmax=${Tmax} t=${t}`, async () => {
      const rng = mulberry32(S * 977 + C * 13 + t);
      await checkOp({
        name: `attention_decode_kv S=${S} C=${C} NH=${NH} Tmax=${Tmax} t=${t}`,
        inputs: { qkv: randomFloats(rng, S * 3 * C, 2), counter: Uint32Array.of(t) }, // (S,3C), (1)
        outputs: {
          att: randomFloats(rng, S * C), // (S,C)
          kc: randomFloats(rng, S * Tmax * C, 2), // (S,Tmax,C) earlier positions: what attention reads
          vc: randomFloats(rng, S * Tmax * C, 2),
        },
        ref: (a) => ref.attentionDecodeKv(a.att, a.kc, a.vc, a.qkv, a.counter, S, C, NH, Tmax),
        gpu: (g, b) => gpuK.attentionDecodeKv(g, b.att, b.kc, b.vc, b.qkv, b.counter, S, C, NH, Tmax),
        forwardTol: [0, 0], // the cache: copies, bit for bit
        tol: { att: [1e-5, 1e-4] },
      });
    });
  }
});
