// Zero-fill kernel against the CPU reference, on whole buffers and on a 256-byte-aligned range of one.
// Counts that are multiples of 4 take the vec4 entry point, the others the scalar one.
import { describe, it, expect } from 'vitest';
import * as ref from '../../src/ref/zero';
import * as gpuK from '../../src/kernels/zero';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { testGpu, toGpu, fromGpu, run } from '../helpers/gpu';
import { assertClose } from '../helpers/compare';

describe('kernel zero', () => {
  for (const N of [1, 4, 7, 257, 1028, 4099, 20000]) {
    it(`clears N=${N} and nothing past it`, async () => {
      const g = await testGpu();
      const data = randomFloats(mulberry32(N), N + 5, 2); // 5 guard elements after the cleared span
      const want = data.slice();
      ref.zeroBuffer(want, N);
      const buf = toGpu(g, data);
      await run(g, gpuK.zeroBuffer(g, buf, N));
      assertClose('zero', await fromGpu(g, buf, N + 5), want, 0, 0);
      expect(want[N]).not.toBe(0); // the guard is still there, so the test can see an overrun
    });
  }

  it('clears a range of a buffer (offset 256 bytes) and leaves the rest', async () => {
    const g = await testGpu();
    const total = 64 + 100 + 30;
    const data = randomFloats(mulberry32(3), total, 2);
    const want = data.slice();
    ref.zeroBuffer(want.subarray(64), 100);
    const buf = toGpu(g, data);
    await run(g, gpuK.zeroBuffer(g, { buffer: buf, offset: 256, size: 100 * 4 }, 100));
    assertClose('zero range', await fromGpu(g, buf, total), want, 0, 0);
  });
});
