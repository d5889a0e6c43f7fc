// Finite-difference check of the embedding CPU reference backward, with repeated tokens.
import { describe, it } from 'vitest';
import { encoderForward, encoderBackward } from '../../src/ref/encoder';
import { mulberry32, randomFloats, randomInts } from '../../src/util/rng';
import { gradCheck, weightedSum } from '../helpers/gradcheck';

describe('ref encoder', () => {
  it('backward matches finite differences', () => {
    const rng = mulberry32(2);
    const [B, T, C, V, maxT] = [2, 5, 6, 4, 7];
    const tokens = randomInts(rng, B * T, 0, V - 1);
    const wte = randomFloats(rng, V * C);
    const wpe = randomFloats(rng, maxT * C);
    const w = randomFloats(rng, B * T * C);
    const out = new Float32Array(B * T * C);
    const dwte = new Float32Array(V * C);
    const dwpe = new Float32Array(maxT * C);
    encoderBackward(dwte, dwpe, w, tokens, B, T, C, V);
    gradCheck({
      name: 'encoder',
      inputs: { wte, wpe },
      analytic: { wte: dwte, wpe: dwpe },
      probes: 24,
      loss: () => (encoderForward(out, tokens, wte, wpe, B, T, C), weightedSum(out, w)),
    });
  });
});
