// KV-cache decode references against the full-sequence references: decoding a sequence one position
// at a time (embed, write the cache, attend) gives row t of encoderForward and attentionForward.
// The decode ops have no backward, so there is no finite-difference check here.
import { describe, it, expect } from 'vitest';
import { encoderAt, kvWrite, attentionDecode } from '../../src/ref/kv_decode';
import { encoderForward } from '../../src/ref/encoder';
import { attentionForward } from '../../src/ref/attention';
import { mulberry32, randomFloats, randomInts } from '../../src/util/rng';
import { assertClose } from '../helpers/compare';

describe('ref kv_decode', () => {
  for (const [S, T, C, NH, V] of [
    [1, 1, 4, 1, 3],
    [2, 7, 12, 3, 9],
    [3, 11, 8, 2, 5],
  ]) {
    it(`position-by-position decoding equals the full sequence, S=${S} T=${T} C=${C} NH=${NH}`, () => {
      const rng = mulberry32(S * 100 + T);
      const Tmax = T + 2; // spare cache rows stay as they were
      const seqs = randomInts(rng, S * Tmax, 0, V - 1);
      const wte = randomFloats(rng, V * C);
      const wpe = randomFloats(rng, Tmax * C);
      const qkvAll = randomFloats(rng, S * T * 3 * C, 2); // (S,T,3C): the qkv of every position
      // Full-sequence references on the first T tokens of each row.
      const tokens = new Int32Array(S * T);
      for (let s = 0; s < S; s++) tokens.set(seqs.subarray(s * Tmax, s * Tmax + T), s * T);
      const embFull = new Float32Array(S * T * C);
      encoderForward(embFull, tokens, wte, wpe, S, T, C);
      const attFull = new Float32Array(S * T * C);
      attentionForward(attFull, new Float32Array(S * NH * T * T), qkvAll, S, T, C, NH);
      // Decoding: one position per call, the cache filled as it goes.
      const kc = new Float32Array(S * Tmax * C).fill(NaN); // never-written rows must never be read
      const vc = new Float32Array(S * Tmax * C).fill(NaN);
      const emb = new Float32Array(S * C),
        att = new Float32Array(S * C),
        qkv = new Float32Array(S * 3 * C);
      for (let t = 0; t < T; t++) {
        const counter = new Uint32Array([t]);
        for (let s = 0; s < S; s++) qkv.set(qkvAll.subarray((s * T + t) * 3 * C, (s * T + t + 1) * 3 * C), s * 3 * C);
        encoderAt(emb, seqs, counter, wte, wpe, S, C, Tmax);
        kvWrite(kc, vc, qkv, counter, S, C, Tmax);
        attentionDecode(att, qkv, kc, vc, counter, S, C, NH, Tmax);
        const rows = (full: Float32Array) => {
          const out = new Float32Array(S * C);
          for (let s = 0; s < S; s++) out.set(full.subarray((s * T + t) * C, (s * T + t + 1) * C), s * C);
          return out;
        };
        assertClose(`encoderAt t=${t}`, emb, rows(embFull), 0, 0);
        assertClose(`attentionDecode t=${t}`, att, rows(attFull), 1e-6, 1e-5);
      }
      // Cache rows at and past T were never written.
      for (let s = 0; s < S; s++) expect(Number.isNaN(kc[(s * Tmax + T) * C])).toBe(true);
    });
  }

  it('a position at or past Tmax writes nothing', () => {
    const [S, C, NH, Tmax] = [2, 4, 2, 3];
    const rng = mulberry32(9);
    const counter = new Uint32Array([Tmax]);
    const out = randomFloats(rng, S * C),
      kc = randomFloats(rng, S * Tmax * C),
      vc = randomFloats(rng, S * Tmax * C);
    const before = [out.slice(), kc.slice(), vc.slice()];
    const qkv = randomFloats(rng, S * 3 * C);
    encoderAt(
      out,
      new Int32Array(S * Tmax),
      counter,
      randomFloats(rng, 3 * C),
      randomFloats(rng, Tmax * C),
      S,
      C,
      Tmax,
    );
    kvWrite(kc, vc, qkv, counter, S, C, Tmax);
    attentionDecode(out, qkv, kc, vc, counter, S, C, NH, Tmax);
    expect([out, kc, vc]).toEqual(before);
  });

  it('refuses heads that do not divide the width', () => {
    const f = new Float32Array(64);
    expect(() => attentionDecode(f, f, f, f, new Uint32Array(1), 1, 6, 4, 2)).toThrow(/divisible/);
  });
});
