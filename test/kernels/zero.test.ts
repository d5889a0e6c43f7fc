// Zero-fill kernel against the CPU reference, on whole buffers and on a 256-byte-aligned range of one.
// Counts that are multiples of 4 take the vec4 entry point, the others the scalar one.
import { describe, it, expect } from 'vitest';
import * as ref from '../../src/ref/zero';
import * as gpuK from '../../src/kernels/zero';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { checkOp, EXACT } from '../helpers/op-check';

describe('kernel zero', () => {
  for (const N of [1, 4, 7, 257, 1028, 4099, 20000]) {
    it(`clears N=${N} and nothing past it`, async () => {
      const { want } = await checkOp({
        name: `zero N=${N}`,
        inputs: {},
        outputs: { buf: randomFloats(mulberry32(N), N + 5, 2) }, // (N + 5): 5 guard elements after the cleared span
        ref: (a) => ref.zeroBuffer(a.buf, N),
        gpu: (g, b) => gpuK.zeroBuffer(g, b.buf, N),
        forwardTol: EXACT,
      });
      expect(want.buf[N]).not.toBe(0); // the guard is still there, so the test can see an overrun
    });
  }

  it('clears a range of a buffer (offset 256 bytes) and leaves the rest', async () => {
    await checkOp({
      name: 'zero range',
      inputs: {},
      outputs: { buf: randomFloats(mulberry32(3), 64 + 100 + 30, 2) }, // (194): 64 kept, 100 cleared, 30 kept
      ref: (a) => ref.zeroBuffer(a.buf.subarray(64), 100),
      gpu: (g, b) => gpuK.zeroBuffer(g, { buffer: b.buf, offset: 256, size: 100 * 4 }, 100),
      forwardTol: EXACT,
    });
  });
});
