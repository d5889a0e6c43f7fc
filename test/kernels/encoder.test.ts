// Embedding kernels against the CPU reference: repeated tokens (the scatter-add case), a single
// position, widths that are not multiples of the workgroup or of the backward's 32-channel chunks,
// and gradients that start non-zero.
import { describe, it } from 'vitest';
import * as ref from '../../src/ref/encoder';
import * as gpuK from '../../src/kernels/encoder';
import { mulberry32, randomFloats, randomInts } from '../../src/util/rng';
import { checkOp } from '../helpers/op-check';

// [B, T, C, V, maxT]
const shapes: [number, number, number, number, number][] = [
  [1, 1, 8, 5, 4],
  [2, 7, 33, 13, 9],
  [3, 17, 130, 50, 20],
  [4, 64, 16, 3, 64], // tiny vocabulary: every token repeats many times
  [2, 9, 64, 11, 12], // exactly two 32-channel chunks per row in the backward
];

describe('kernel encoder', () => {
  for (const [B, T, C, V, maxT] of shapes) {
    it(`forward and backward, B=${B} T=${T} C=${C} V=${V}`, async () => {
      const rng = mulberry32(B * 1000 + T * 10 + C);
      await checkOp({
        name: `encoder B=${B} T=${T} C=${C} V=${V}`,
        inputs: {
          tokens: randomInts(rng, B * T, 0, V - 1), // (B,T)
          wte: randomFloats(rng, V * C), // (V,C)
          wpe: randomFloats(rng, maxT * C), // (maxT,C)
          dout: randomFloats(rng, B * T * C), // (B,T,C)
        },
        outputs: { out: new Float32Array(B * T * C) },
        grads: { dwte: randomFloats(rng, V * C), dwpe: randomFloats(rng, maxT * C) }, // dwpe rows >= T must stay untouched
        ref: (a) => {
          ref.encoderForward(a.out, a.tokens, a.wte, a.wpe, B, T, C);
          ref.encoderBackward(a.dwte, a.dwpe, a.dout, a.tokens, B, T, C, V);
        },
        gpu: (g, b) => [
          gpuK.encoderForward(g, b.out, b.tokens, b.wte, b.wpe, B, T, C),
          ...gpuK.encoderBackward(g, b.dwte, b.dwpe, b.dout, b.tokens, B, T, C, V),
        ],
        forwardTol: [1e-6, 1e-6],
        gradTol: [1e-5, 1e-5],
      });
    });
  }
});
