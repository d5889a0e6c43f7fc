// Causal attention CPU reference: structural properties of the forward and a finite-difference
// check of its backward.
import { describe, it, expect } from 'vitest';
import { attentionForward, attentionBackward } from '../../src/ref/attention';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { gradCheck, weightedSum } from '../helpers/gradcheck';

describe('ref attention', () => {
  it('rows are causal probability distributions; the first token sees only itself', () => {
    const [B, T, C, NH] = [2, 6, 8, 2];
    const rng = mulberry32(3);
    const qkv = randomFloats(rng, B * T * 3 * C, 2);
    const out = new Float32Array(B * T * C);
    const att = randomFloats(rng, B * NH * T * T, 5); // stale values must be overwritten
    attentionForward(out, att, qkv, B, T, C, NH);
    for (let r = 0; r < B * NH * T; r++) {
      const t = r % T;
      let sum = 0;
      for (let t2 = 0; t2 < T; t2++) {
        const p = att[r * T + t2];
        if (t2 > t) expect(p).toBe(0);
        else expect(p).toBeGreaterThan(0);
        sum += p;
      }
      expect(sum).toBeCloseTo(1, 6);
    }
    // At t = 0 the output is v_0 exactly.
    for (let b = 0; b < B; b++) {
      for (let c = 0; c < C; c++) expect(out[b * T * C + c]).toBeCloseTo(qkv[b * T * 3 * C + 2 * C + c], 6);
    }
  });

  for (const [B, T, C, NH] of [
    [1, 1, 4, 1],
    [2, 5, 8, 2],
    [1, 7, 12, 3],
  ]) {
    it(`backward matches finite differences, B=${B} T=${T} C=${C} NH=${NH}`, () => {
      const rng = mulberry32(11 + T);
      const qkv = randomFloats(rng, B * T * 3 * C, 1.5);
      const w = randomFloats(rng, B * T * C);
      const out = new Float32Array(B * T * C);
      const att = new Float32Array(B * NH * T * T);
      attentionForward(out, att, qkv, B, T, C, NH);
      const dqkv = new Float32Array(B * T * 3 * C);
      const datt = new Float32Array(B * NH * T * T);
      attentionBackward(dqkv, datt, w, qkv, att, B, T, C, NH);
      gradCheck({
        name: 'attention',
        inputs: { qkv },
        analytic: { qkv: dqkv },
        probes: Math.min(48, qkv.length),
        loss: () => (attentionForward(out, att, qkv, B, T, C, NH), weightedSum(out, w)),
      });
    });
  }

  it('backward accumulates into dqkv', () => {
    const [B, T, C, NH] = [1, 4, 6, 2];
    const rng = mulberry32(5);
    const qkv = randomFloats(rng, B * T * 3 * C);
    const dout = randomFloats(rng, B * T * C);
    const out = new Float32Array(B * T * C);
    const att = new Float32Array(B * NH * T * T);
    attentionForward(out, att, qkv, B, T, C, NH);
    const fresh = new Float32Array(B * T * 3 * C);
    attentionBackward(fresh, new Float32Array(att.length), dout, qkv, att, B, T, C, NH);
    const base = randomFloats(rng, fresh.length);
    const acc = base.slice();
    attentionBackward(acc, new Float32Array(att.length), dout, qkv, att, B, T, C, NH);
    for (let i = 0; i < acc.length; i++) expect(acc[i]).toBeCloseTo(base[i] + fresh[i], 5);
  });
});
