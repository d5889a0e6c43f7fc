// KV-cache decode kernels against the CPU reference: one row (S = 1), sizes that fit no workgroup,
// the first and last cache positions, and a position past Tmax that must write nothing. Outputs start
// from random values, so untouched cache rows and skipped writes are checked too.
import { describe, it } from 'vitest';
import * as ref from '../../src/ref/kv_decode';
import * as gpuK from '../../src/kernels/kv_decode';
import { mulberry32, randomFloats, randomInts } from '../../src/util/rng';
import { checkOp, EXACT } from '../helpers/op-check';

// [S, C, NH, Tmax, t, V]
const shapes: [number, number, number, number, number, number][] = [
  [1, 4, 1, 1, 0, 5],
  [1, 24, 3, 9, 8, 7],
  [3, 33, 3, 17, 0, 13],
  [5, 64, 4, 70, 69, 20], // more positions than attention threads
  [7, 40, 5, 130, 77, 11],
  [2, 16, 2, 6, 6, 9], // t == Tmax: nothing is written
];

describe('kernel kv_decode', () => {
  for (const [S, C, NH, Tmax, t, V] of shapes) {
    it(`encoderAt, kvWrite, attentionDecode: S=${S} C=${C} NH=${NH} Tmax=${Tmax} t=${t}`, async () => {
      const rng = mulberry32(S * 1000 + C * 10 + t);
      await checkOp({
        name: `kv_decode S=${S} C=${C} NH=${NH} Tmax=${Tmax} t=${t}`,
        inputs: {
          seqs: randomInts(rng, S * Tmax, 0, V - 1), // (S,Tmax)
          counter: Uint32Array.of(t), // (1)
          wte: randomFloats(rng, V * C), // (V,C)
          wpe: randomFloats(rng, Tmax * C), // (Tmax,C)
          qkv: randomFloats(rng, S * 3 * C, 2), // (S,3C)
        },
        outputs: {
          kc: randomFloats(rng, S * Tmax * C, 2), // (S,Tmax,C) earlier positions: what attention reads
          vc: randomFloats(rng, S * Tmax * C, 2),
          emb: randomFloats(rng, S * C), // (S,C) stale outputs, overwritten (or kept when t >= Tmax)
          att: randomFloats(rng, S * C),
        },
        ref: (a) => {
          ref.encoderAt(a.emb, a.seqs, a.counter, a.wte, a.wpe, S, C, Tmax);
          ref.kvWrite(a.kc, a.vc, a.qkv, a.counter, S, C, Tmax);
          ref.attentionDecode(a.att, a.qkv, a.kc, a.vc, a.counter, S, C, NH, Tmax);
        },
        gpu: (g, b) => [
          gpuK.encoderAt(g, b.emb, b.seqs, b.counter, b.wte, b.wpe, S, C, Tmax),
          gpuK.kvWrite(g, b.kc, b.vc, b.qkv, b.counter, S, C, Tmax),
          gpuK.attentionDecode(g, b.att, b.qkv, b.kc, b.vc, b.counter, S, C, NH, Tmax),
        ],
        forwardTol: EXACT, // copies: bit for bit
        tol: { att: [1e-5, 1e-4] },
      });
    });
  }
});
