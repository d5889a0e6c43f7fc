// Finite-difference check of the GELU CPU reference backward.
import { describe, it } from 'vitest';
import { geluForward, geluBackward } from '../../src/ref/gelu';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { gradCheck, weightedSum } from '../helpers/gradcheck';

describe('ref gelu', () => {
  it('backward matches finite differences', () => {
    const rng = mulberry32(1);
    const N = 37;
    const inp = randomFloats(rng, N, 3);
    const w = randomFloats(rng, N);
    const out = new Float32Array(N);
    const dinp = new Float32Array(N);
    geluBackward(dinp, inp, w, N);
    gradCheck({
      name: 'gelu',
      inputs: { inp },
      analytic: { inp: dinp },
      probes: N,
      loss: () => (geluForward(out, inp, N), weightedSum(out, w)),
    });
  });
});
