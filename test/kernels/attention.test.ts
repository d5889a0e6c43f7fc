// Causal attention kernels against the CPU reference on shapes that fit no workgroup evenly,
// including a one-token, one-head case; backward outputs start from random values to prove +=.
// Head sizes cover every entry point: HS % 8 == 0 (vec4 everywhere), HS = 4 or 12 (vec4 forward and
// datt, scalar dq/dk/dv), odd HS (scalar everywhere); T not a multiple of 4 tests the partial quads.
import { describe, it } from 'vitest';
import * as ref from '../../src/ref/attention';
import * as gpuK from '../../src/kernels/attention';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { testGpu, toGpu, fromGpu, run } from '../helpers/gpu';
import { assertClose } from '../helpers/compare';

describe('kernel attention', () => {
  const shapes: [number, number, number, number][] = [
    [1, 1, 4, 1], // HS 4
    [2, 5, 8, 2], // HS 4
    [3, 17, 24, 3], // HS 8
    [2, 33, 64, 4], // HS 16
    [2, 6, 36, 3], // HS 12
    [2, 7, 6, 2], // HS 3
    [1, 10, 5, 1], // HS 5
  ];
  for (const [B, T, C, NH] of shapes) {
    it(`forward and backward, B=${B} T=${T} C=${C} NH=${NH}`, async () => {
      const g = await testGpu();
      const rng = mulberry32(B * 1000 + T * 10 + NH);
      const nQKV = B * T * 3 * C;
      const nAtt = B * NH * T * T;
      const qkv = randomFloats(rng, nQKV, 2);
      const dout = randomFloats(rng, B * T * C);
      const dqkv0 = randomFloats(rng, nQKV); // backward accumulates into existing values
      const datt0 = randomFloats(rng, nAtt, 5); // scratch: garbage in, fully overwritten
      const attGarbage = randomFloats(rng, nAtt, 5); // masked entries must come out 0 anyway

      const out = new Float32Array(B * T * C);
      const att = new Float32Array(nAtt);
      const dqkv = dqkv0.slice();
      const datt = datt0.slice();
      ref.attentionForward(out, att, qkv, B, T, C, NH);
      ref.attentionBackward(dqkv, datt, dout, qkv, att, B, T, C, NH);

      const bOut = toGpu(g, new Float32Array(B * T * C));
      const bAtt = toGpu(g, attGarbage);
      const bQkv = toGpu(g, qkv);
      const bDout = toGpu(g, dout);
      const bDqkv = toGpu(g, dqkv0);
      const bDatt = toGpu(g, datt0);
      await run(g, [
        ...gpuK.attentionForward(g, bOut, bAtt, bQkv, B, T, C, NH),
        ...gpuK.attentionBackward(g, bDqkv, bDatt, bDout, bQkv, bAtt, B, T, C, NH),
      ]);
      assertClose('attention att', await fromGpu(g, bAtt, nAtt), att, 1e-6, 1e-4);
      assertClose('attention out', await fromGpu(g, bOut, B * T * C), out, 1e-5, 1e-4);
      assertClose('attention datt (dot-product gradient)', await fromGpu(g, bDatt, nAtt), datt, 1e-5, 1e-3);
      assertClose('attention dqkv', await fromGpu(g, bDqkv, nQKV), dqkv, 1e-5, 1e-3);
    });
  }
});
