// Causal attention kernels against the CPU reference on shapes that fit no workgroup evenly,
// including a one-token, one-head case; backward outputs start from random values to prove +=.
// Head sizes cover every entry point: HS % 8 == 0 (vec4 everywhere), HS = 4 or 12 (vec4 forward and
// datt, scalar dq/dk/dv), odd HS (scalar everywhere); T not a multiple of 4 tests the partial quads.
import { describe, it } from 'vitest';
import * as ref from '../../src/ref/attention';
import * as gpuK from '../../src/kernels/attention';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { checkOp } from '../helpers/op-check';

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
      const rng = mulberry32(B * 1000 + T * 10 + NH);
      const nQKV = B * T * 3 * C;
      const nAtt = B * NH * T * T;
      await checkOp({
        name: `attention B=${B} T=${T} C=${C} NH=${NH}`,
        inputs: { qkv: randomFloats(rng, nQKV, 2), dout: randomFloats(rng, B * T * C) }, // (B,T,3C), (B,T,C)
        outputs: {
          out: new Float32Array(B * T * C), // (B,T,C)
          att: randomFloats(rng, nAtt, 5), // (B,NH,T,T) garbage: masked entries must come out 0 anyway
        },
        grads: {
          dqkv: randomFloats(rng, nQKV), // backward accumulates into existing values
          datt: randomFloats(rng, nAtt, 5), // scratch gradient: garbage in, fully overwritten
        },
        ref: (a) => {
          ref.attentionForward(a.out, a.att, a.qkv, B, T, C, NH);
          ref.attentionBackward(a.dqkv, a.datt, a.dout, a.qkv, a.att, B, T, C, NH);
        },
        gpu: (g, b) => [
          ...gpuK.attentionForward(g, b.out, b.att, b.qkv, B, T, C, NH),
          ...gpuK.attentionBackward(g, b.dqkv, b.datt, b.dout, b.qkv, b.att, B, T, C, NH),
        ],
        forwardTol: [1e-5, 1e-4],
        gradTol: [1e-5, 1e-3],
        tol: { att: [1e-6, 1e-4] },
      });
    });
  }
});
