// Embedding kernels against the CPU reference: repeated tokens (the scatter-add case), a single
// position, widths that are not multiples of the workgroup or of the backward's 32-channel chunks,
// and gradients that start non-zero.
import { describe, it } from 'vitest';
import * as ref from '../../src/ref/encoder';
import * as gpuK from '../../src/kernels/encoder';
import { mulberry32, randomFloats, randomInts } from '../../src/util/rng';
import { testGpu, toGpu, fromGpu, run } from '../helpers/gpu';
import { assertClose } from '../helpers/compare';

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
      const g = await testGpu();
      const rng = mulberry32(B * 1000 + T * 10 + C);
      const tokens = randomInts(rng, B * T, 0, V - 1);
      const wte = randomFloats(rng, V * C);
      const wpe = randomFloats(rng, maxT * C);
      const dout = randomFloats(rng, B * T * C);
      const dwte0 = randomFloats(rng, V * C);
      const dwpe0 = randomFloats(rng, maxT * C); // rows >= T must stay untouched
      const out = new Float32Array(B * T * C);
      const dwte = dwte0.slice();
      const dwpe = dwpe0.slice();
      ref.encoderForward(out, tokens, wte, wpe, B, T, C);
      ref.encoderBackward(dwte, dwpe, dout, tokens, B, T, C, V);
      const bTok = toGpu(g, tokens);
      const bOut = toGpu(g, new Float32Array(B * T * C));
      const bDwte = toGpu(g, dwte0);
      const bDwpe = toGpu(g, dwpe0);
      await run(g, [
        gpuK.encoderForward(g, bOut, bTok, toGpu(g, wte), toGpu(g, wpe), B, T, C),
        ...gpuK.encoderBackward(g, bDwte, bDwpe, toGpu(g, dout), bTok, B, T, C, V),
      ]);
      assertClose('encoder forward', await fromGpu(g, bOut, B * T * C), out, 1e-6, 1e-6);
      assertClose('encoder dwte', await fromGpu(g, bDwte, V * C), dwte, 1e-5, 1e-5);
      assertClose('encoder dwpe', await fromGpu(g, bDwpe, maxT * C), dwpe, 1e-5, 1e-5);
    });
  }
});
