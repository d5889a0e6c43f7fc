// Residual-add kernels against the CPU reference: awkward sizes take the scalar entry point, multiples
// of 4 the vec4 one; backward outputs start non-zero to prove that both gradients accumulate.
import { describe, it } from 'vitest';
import * as ref from '../../src/ref/residual';
import * as gpuK from '../../src/kernels/residual';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { checkOp } from '../helpers/op-check';

describe('kernel residual', () => {
  for (const N of [1, 4, 7, 255, 256, 257, 2044, 4099, 4100, 20000]) {
    it(`forward and backward, N=${N} (${N % 4 === 0 ? 'vec4' : 'scalar'})`, async () => {
      const rng = mulberry32(N + 11);
      await checkOp({
        name: `residual N=${N}`,
        inputs: { inp1: randomFloats(rng, N, 3), inp2: randomFloats(rng, N, 3), dout: randomFloats(rng, N) }, // (N) each
        outputs: { out: new Float32Array(N) },
        grads: { dinp1: randomFloats(rng, N), dinp2: randomFloats(rng, N) },
        ref: (a) => (ref.residualForward(a.out, a.inp1, a.inp2, N), ref.residualBackward(a.dinp1, a.dinp2, a.dout, N)),
        gpu: (g, b) => [
          gpuK.residualForward(g, b.out, b.inp1, b.inp2, N),
          gpuK.residualBackward(g, b.dinp1, b.dinp2, b.dout, N),
        ],
        forwardTol: [0, 1e-6],
        gradTol: [0, 1e-6],
      });
    });
  }
});
