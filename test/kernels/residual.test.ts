// Residual-add kernels against the CPU reference: awkward sizes take the scalar entry point, multiples
// of 4 the vec4 one; backward outputs start non-zero to prove that both gradients accumulate.
import { describe, it } from 'vitest';
import * as ref from '../../src/ref/residual';
import * as gpuK from '../../src/kernels/residual';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { testGpu, toGpu, fromGpu, run } from '../helpers/gpu';
import { assertClose } from '../helpers/compare';

describe('kernel residual', () => {
  for (const N of [1, 4, 7, 255, 256, 257, 2044, 4099, 4100, 20000]) {
    it(`forward and backward, N=${N} (${N % 4 === 0 ? 'vec4' : 'scalar'})`, async () => {
      const g = await testGpu();
      const rng = mulberry32(N + 11);
      const inp1 = randomFloats(rng, N, 3);
      const inp2 = randomFloats(rng, N, 3);
      const dout = randomFloats(rng, N);
      const dinp1_0 = randomFloats(rng, N);
      const dinp2_0 = randomFloats(rng, N);
      const out = new Float32Array(N);
      const dinp1 = dinp1_0.slice();
      const dinp2 = dinp2_0.slice();
      ref.residualForward(out, inp1, inp2, N);
      ref.residualBackward(dinp1, dinp2, dout, N);
      const bOut = toGpu(g, new Float32Array(N));
      const bD1 = toGpu(g, dinp1_0);
      const bD2 = toGpu(g, dinp2_0);
      await run(g, [
        gpuK.residualForward(g, bOut, toGpu(g, inp1), toGpu(g, inp2), N),
        gpuK.residualBackward(g, bD1, bD2, toGpu(g, dout), N),
      ]);
      assertClose('residual forward', await fromGpu(g, bOut, N), out, 0, 1e-6);
      assertClose('residual dinp1', await fromGpu(g, bD1, N), dinp1, 0, 1e-6);
      assertClose('residual dinp2', await fromGpu(g, bD2, N), dinp2, 0, 1e-6);
    });
  }
});
