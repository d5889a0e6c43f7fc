// KV-cache decode kernels against the CPU reference: one row (S = 1), sizes that fit no workgroup,
// the first and last cache positions, and a position past Tmax that must write nothing. Outputs start
// from random values, so untouched cache rows and skipped writes are checked too.
import { describe, it } from 'vitest';
import * as ref from '../../src/ref/kv_decode';
import * as gpuK from '../../src/kernels/kv_decode';
import { mulberry32, randomFloats, randomInts } from '../../src/util/rng';
import { testGpu, toGpu, fromGpu, run } from '../helpers/gpu';
import { assertClose } from '../helpers/compare';

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
      const g = await testGpu();
      const rng = mulberry32(S * 1000 + C * 10 + t);
      const seqs = randomInts(rng, S * Tmax, 0, V - 1);
      const counter = new Uint32Array([t]);
      const wte = randomFloats(rng, V * C);
      const wpe = randomFloats(rng, Tmax * C);
      const qkv = randomFloats(rng, S * 3 * C, 2);
      const kc0 = randomFloats(rng, S * Tmax * C, 2); // earlier positions: what attention reads
      const vc0 = randomFloats(rng, S * Tmax * C, 2);
      const emb0 = randomFloats(rng, S * C); // stale outputs, overwritten (or kept when t >= Tmax)
      const att0 = randomFloats(rng, S * C);

      const emb = emb0.slice(), kc = kc0.slice(), vc = vc0.slice(), att = att0.slice();
      ref.encoderAt(emb, seqs, counter, wte, wpe, S, C, Tmax);
      ref.kvWrite(kc, vc, qkv, counter, S, C, Tmax);
      ref.attentionDecode(att, qkv, kc, vc, counter, S, C, NH, Tmax);

      const bSeqs = toGpu(g, seqs), bCounter = toGpu(g, counter), bQkv = toGpu(g, qkv);
      const bEmb = toGpu(g, emb0), bKc = toGpu(g, kc0), bVc = toGpu(g, vc0), bAtt = toGpu(g, att0);
      await run(g, [
        gpuK.encoderAt(g, bEmb, bSeqs, bCounter, toGpu(g, wte), toGpu(g, wpe), S, C, Tmax),
        gpuK.kvWrite(g, bKc, bVc, bQkv, bCounter, S, C, Tmax),
        gpuK.attentionDecode(g, bAtt, bQkv, bKc, bVc, bCounter, S, C, NH, Tmax),
      ]);
      assertClose('encoderAt', await fromGpu(g, bEmb, S * C), emb, 0, 0);
      assertClose('kvWrite k', await fromGpu(g, bKc, S * Tmax * C), kc, 0, 0);
      assertClose('kvWrite v', await fromGpu(g, bVc, S * Tmax * C), vc, 0, 0);
      assertClose('attentionDecode', await fromGpu(g, bAtt, S * C), att, 1e-5, 1e-4);
    });
  }
});
