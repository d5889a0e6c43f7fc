// GELU kernels against the CPU reference on random sizes: awkward ones and a single element take the
// scalar entry point, multiples of 4 the vec4 one (one partial thread, partial workgroups, several blocks).
import { describe, it } from 'vitest';
import * as ref from '../../src/ref/gelu';
import * as gpuK from '../../src/kernels/gelu';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { testGpu, toGpu, fromGpu, run } from '../helpers/gpu';
import { assertClose } from '../helpers/compare';

describe('kernel gelu', () => {
  for (const N of [1, 4, 7, 255, 256, 257, 1000, 2044, 4099, 4100, 20000]) {
    it(`forward and backward, N=${N} (${N % 4 === 0 ? 'vec4' : 'scalar'})`, async () => {
      const g = await testGpu();
      const rng = mulberry32(N);
      const inp = randomFloats(rng, N, 4);
      const dout = randomFloats(rng, N);
      const dinp0 = randomFloats(rng, N); // backward accumulates into existing values
      const out = new Float32Array(N);
      const dinp = dinp0.slice();
      ref.geluForward(out, inp, N);
      ref.geluBackward(dinp, inp, dout, N);
      const bOut = toGpu(g, new Float32Array(N));
      const bInp = toGpu(g, inp);
      const bDout = toGpu(g, dout);
      const bDinp = toGpu(g, dinp0);
      await run(g, [gpuK.geluForward(g, bOut, bInp, N), gpuK.geluBackward(g, bDinp, bInp, bDout, N)]);
      assertClose('gelu forward', await fromGpu(g, bOut, N), out, 1e-5, 1e-4);
      assertClose('gelu backward', await fromGpu(g, bDinp, N), dinp, 1e-5, 1e-4);
    });
  }
});
