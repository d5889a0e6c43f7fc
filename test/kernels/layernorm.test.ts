// LayerNorm kernels against the CPU reference: one row, widths not multiples of the workgroup or of
// the 32-column tiles, rows on both sides of ROW_THREAD_MAX_C (thread-per-row and workgroup-per-row
// entry points), a 1024-wide row (256-thread workgroups), and gradients that start non-zero.
import { describe, it } from 'vitest';
import * as ref from '../../src/ref/layernorm';
import * as gpuK from '../../src/kernels/layernorm';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { checkOp } from '../helpers/op-check';

// thread per row (C <= 256): [1,8] [7,33] [64,130] [19,1] [70,256]; workgroup per row: [5,257] [3,1024]
const shapes: [number, number][] = [
  [1, 8],
  [7, 33],
  [64, 130],
  [19, 1],
  [70, 256],
  [5, 257],
  [3, 1024],
];

describe('kernel layernorm', () => {
  for (const [N, C] of shapes) {
    it(`forward and backward, N=${N} C=${C}`, async () => {
      const rng = mulberry32(N * 7919 + C);
      const inp = randomFloats(rng, N * C, 2).map((x) => x + 0.5); // (N,C) a non-zero mean per row
      await checkOp({
        name: `layernorm N=${N} C=${C}`,
        inputs: { inp, weight: randomFloats(rng, C, 1.5), bias: randomFloats(rng, C), dout: randomFloats(rng, N * C) },
        outputs: { out: new Float32Array(N * C), mean: new Float32Array(N), rstd: new Float32Array(N) },
        grads: { dinp: randomFloats(rng, N * C), dweight: randomFloats(rng, C), dbias: randomFloats(rng, C) },
        ref: (a) => {
          ref.layernormForward(a.out, a.mean, a.rstd, a.inp, a.weight, a.bias, N, C);
          ref.layernormBackward(a.dinp, a.dweight, a.dbias, a.dout, a.inp, a.weight, a.mean, a.rstd, N, C);
        },
        gpu: (g, b) => [
          gpuK.layernormForward(g, b.out, b.mean, b.rstd, b.inp, b.weight, b.bias, N, C),
          ...gpuK.layernormBackward(g, b.dinp, b.dweight, b.dbias, b.dout, b.inp, b.weight, b.mean, b.rstd, N, C),
        ],
        // C = 1 has zero variance: rstd = 1/sqrt(eps) ~ 316, compared relatively
        forwardTol: [1e-5, 1e-4],
        gradTol: [1e-4, 1e-4],
        tol: { mean: [1e-6, 1e-5] },
      });
    });
  }
});
