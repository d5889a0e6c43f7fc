// LayerNorm kernels against the CPU reference: one row, widths not multiples of the workgroup or of
// the 32-column tiles, rows on both sides of ROW_THREAD_MAX_C (thread-per-row and workgroup-per-row
// entry points), a 1024-wide row (256-thread workgroups), and gradients that start non-zero.
import { describe, it } from 'vitest';
import * as ref from '../../src/ref/layernorm';
import * as gpuK from '../../src/kernels/layernorm';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { testGpu, toGpu, fromGpu, run } from '../helpers/gpu';
import { assertClose } from '../helpers/compare';

// thread per row (C <= 256): [1,8] [7,33] [64,130] [19,1] [70,256]; workgroup per row: [5,257] [3,1024]
const shapes: [number, number][] = [[1, 8], [7, 33], [64, 130], [19, 1], [70, 256], [5, 257], [3, 1024]];

describe('kernel layernorm', () => {
  for (const [N, C] of shapes) {
    it(`forward and backward, N=${N} C=${C}`, async () => {
      const g = await testGpu();
      const rng = mulberry32(N * 7919 + C);
      const inp = randomFloats(rng, N * C, 2);
      for (let i = 0; i < inp.length; i++) inp[i] += 0.5; // a non-zero mean per row
      const weight = randomFloats(rng, C, 1.5);
      const bias = randomFloats(rng, C);
      const dout = randomFloats(rng, N * C);
      const dinp0 = randomFloats(rng, N * C);
      const dweight0 = randomFloats(rng, C);
      const dbias0 = randomFloats(rng, C);
      const out = new Float32Array(N * C);
      const mean = new Float32Array(N);
      const rstd = new Float32Array(N);
      const [dinp, dweight, dbias] = [dinp0.slice(), dweight0.slice(), dbias0.slice()];
      ref.layernormForward(out, mean, rstd, inp, weight, bias, N, C);
      ref.layernormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C);

      const bOut = toGpu(g, new Float32Array(N * C));
      const bMean = toGpu(g, new Float32Array(N));
      const bRstd = toGpu(g, new Float32Array(N));
      const bInp = toGpu(g, inp);
      const bW = toGpu(g, weight);
      const bDinp = toGpu(g, dinp0);
      const bDw = toGpu(g, dweight0);
      const bDb = toGpu(g, dbias0);
      await run(g, [
        gpuK.layernormForward(g, bOut, bMean, bRstd, bInp, bW, toGpu(g, bias), N, C),
        ...gpuK.layernormBackward(g, bDinp, bDw, bDb, toGpu(g, dout), bInp, bW, bMean, bRstd, N, C),
      ]);
      assertClose('layernorm out', await fromGpu(g, bOut, N * C), out, 1e-5, 1e-4);
      assertClose('layernorm mean', await fromGpu(g, bMean, N), mean, 1e-6, 1e-5);
      // C = 1 has zero variance: rstd = 1/sqrt(eps) ~ 316, compared relatively
      assertClose('layernorm rstd', await fromGpu(g, bRstd, N), rstd, 1e-5, 1e-4);
      assertClose('layernorm dinp', await fromGpu(g, bDinp, N * C), dinp, 1e-4, 1e-4);
      assertClose('layernorm dweight', await fromGpu(g, bDw, C), dweight, 1e-4, 1e-4);
      assertClose('layernorm dbias', await fromGpu(g, bDb, C), dbias, 1e-4, 1e-4);
    });
  }
});
