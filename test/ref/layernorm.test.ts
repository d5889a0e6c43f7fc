// Finite-difference check of the LayerNorm CPU reference backward (input, weight and bias).
import { describe, it } from 'vitest';
import { layernormForward, layernormBackward } from '../../src/ref/layernorm';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { gradCheck, weightedSum } from '../helpers/gradcheck';

describe('ref layernorm', () => {
  it('backward matches finite differences', () => {
    const rng = mulberry32(6);
    const [N, C] = [4, 11];
    const inp = randomFloats(rng, N * C, 2);
    const weight = randomFloats(rng, C, 1.5);
    const bias = randomFloats(rng, C);
    const w = randomFloats(rng, N * C);
    const out = new Float32Array(N * C);
    const mean = new Float32Array(N);
    const rstd = new Float32Array(N);
    const dinp = new Float32Array(N * C);
    const dweight = new Float32Array(C);
    const dbias = new Float32Array(C);
    layernormForward(out, mean, rstd, inp, weight, bias, N, C);
    layernormBackward(dinp, dweight, dbias, w, inp, weight, mean, rstd, N, C);
    gradCheck({
      name: 'layernorm',
      inputs: { inp, weight, bias },
      analytic: { inp: dinp, weight: dweight, bias: dbias },
      probes: 20,
      loss: () => (layernormForward(out, mean, rstd, inp, weight, bias, N, C), weightedSum(out, w)),
    });
  });

  it('normalises each row to mean 0 and variance 1 before the affine map', () => {
    const rng = mulberry32(8);
    const [N, C] = [3, 50];
    const inp = randomFloats(rng, N * C, 5);
    const out = new Float32Array(N * C);
    layernormForward(
      out,
      new Float32Array(N),
      new Float32Array(N),
      inp,
      new Float32Array(C).fill(1),
      new Float32Array(C),
      N,
      C,
    );
    for (let n = 0; n < N; n++) {
      let s = 0;
      let q = 0;
      for (let c = 0; c < C; c++) s += out[n * C + c];
      for (let c = 0; c < C; c++) q += (out[n * C + c] - s / C) ** 2;
      if (Math.abs(s / C) > 1e-5 || Math.abs(q / C - 1) > 1e-3)
        throw new Error(`row ${n}: mean ${s / C}, var ${q / C}`);
    }
  });
});
