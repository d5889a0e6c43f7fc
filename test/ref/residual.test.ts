// Finite-difference check of the residual-add CPU reference backward.
import { describe, it } from 'vitest';
import { residualForward, residualBackward } from '../../src/ref/residual';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { gradCheck, weightedSum } from '../helpers/gradcheck';

describe('ref residual', () => {
  it('backward matches finite differences', () => {
    const rng = mulberry32(4);
    const N = 29;
    const inp1 = randomFloats(rng, N, 2);
    const inp2 = randomFloats(rng, N, 2);
    const w = randomFloats(rng, N);
    const out = new Float32Array(N);
    const dinp1 = new Float32Array(N);
    const dinp2 = new Float32Array(N);
    residualBackward(dinp1, dinp2, w, N);
    gradCheck({
      name: 'residual',
      inputs: { inp1, inp2 },
      analytic: { inp1: dinp1, inp2: dinp2 },
      probes: N,
      loss: () => (residualForward(out, inp1, inp2, N), weightedSum(out, w)),
    });
  });
});
