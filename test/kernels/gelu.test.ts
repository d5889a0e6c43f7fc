// GELU kernels against the CPU reference on random sizes: awkward ones and a single element take the
// scalar entry point, multiples of 4 the vec4 one (one partial thread, partial workgroups, several blocks).
import { describe, it } from 'vitest';
import * as ref from '../../src/ref/gelu';
import * as gpuK from '../../src/kernels/gelu';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { checkOp } from '../helpers/op-check';

describe('kernel gelu', () => {
  for (const N of [1, 4, 7, 255, 256, 257, 1000, 2044, 4099, 4100, 20000]) {
    it(`forward and backward, N=${N} (${N % 4 === 0 ? 'vec4' : 'scalar'})`, async () => {
      const rng = mulberry32(N);
      await checkOp({
        name: `gelu N=${N}`,
        inputs: { inp: randomFloats(rng, N, 4), dout: randomFloats(rng, N) }, // (N) each
        outputs: { out: new Float32Array(N) },
        grads: { dinp: randomFloats(rng, N) }, // backward accumulates into existing values
        ref: (a) => (ref.geluForward(a.out, a.inp, N), ref.geluBackward(a.dinp, a.inp, a.dout, N)),
        gpu: (g, b) => [gpuK.geluForward(g, b.out, b.inp, N), gpuK.geluBackward(g, b.dinp, b.inp, b.dout, N)],
        forwardTol: [1e-5, 1e-4],
        gradTol: [1e-5, 1e-4],
      });
    });
  }
});
