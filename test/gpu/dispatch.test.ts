// The plumbing every kernel wrapper stands on: the pipeline cache refuses two WGSL sources under one
// kernel name, UniformWriter refuses more fields than it holds, storageBuffer refuses a buffer the
// device cannot bind, releaseDispatches frees a dispatch's uniform (encoding it afterwards fails), and
// BufferOwner frees every buffer it made when one allocation or a guarded construction step fails.
import { describe, it, expect } from 'vitest';
import { makeDispatch, releaseDispatches } from '../../src/gpu/dispatch';
import { storageBuffer, UniformWriter } from '../../src/gpu/buffers';
import { BufferOwner } from '../../src/gpu/owned';
import { zeroBuffer } from '../../src/kernels/zero';
import { testGpu, toGpu, fromGpu, run } from '../helpers/gpu';

const FILL = `
struct Params { N: u32, }
@group(0) @binding(0) var<storage, read_write> buf: array<f32>;
@group(0) @binding(1) var<uniform> params: Params;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x < params.N) { buf[gid.x] = VALUE; }
}`;

describe('gpu plumbing', () => {
  it('one WGSL source per kernel name in the pipeline cache', async () => {
    const g = await testGpu();
    const buf = toGpu(g, new Float32Array(4));
    const uniform = new UniformWriter().u32(4).bytes();
    await run(
      g,
      makeDispatch(g, {
        name: 'test_fill',
        code: FILL.replace('VALUE', '1.0'),
        buffers: [buf],
        uniform,
        workgroups: [1],
      }),
    );
    expect(Array.from(await fromGpu(g, buf, 4))).toEqual([1, 1, 1, 1]);
    expect(() =>
      makeDispatch(g, {
        name: 'test_fill',
        code: FILL.replace('VALUE', '2.0'),
        buffers: [buf],
        uniform,
        workgroups: [1],
      }),
    ).toThrow(/"test_fill" is already used by different WGSL source/);
  });

  it('UniformWriter and storageBuffer refuse what does not fit, with a message', async () => {
    const g = await testGpu();
    const w = new UniformWriter(2).u32(1).f32(2);
    expect(() => w.i32(3)).toThrow(/more than 2 fields/);
    const tooMany = g.device.limits.maxStorageBufferBindingSize / 4 + 1;
    expect(() => storageBuffer(g.device, 'huge', tooMany)).toThrow(
      /buffer huge needs .* MiB, more than this device can bind/,
    );
  });

  it('releaseDispatches frees the uniform: the dispatch can no longer be submitted', async () => {
    const g = await testGpu();
    const buf = toGpu(g, Float32Array.from([1, 2, 3, 4]));
    const d = zeroBuffer(g, buf, 4);
    await run(g, d);
    expect(Array.from(await fromGpu(g, buf, 4))).toEqual([0, 0, 0, 0]);
    releaseDispatches([d]);
    await expect(run(g, d)).rejects.toThrow(/validation error/i);
  });

  it('BufferOwner labels and remembers its buffers, and frees them all when one cannot be made', async () => {
    const g = await testGpu();
    const own = new BufferOwner(g.device, 'm.');
    const a = own.storage('a', 4, Float32Array.from([1, 2, 3, 4]));
    const b = own.storage('b', 8);
    expect([a.label, b.label, own.count]).toEqual(['m.a', 'm.b', 2]);
    expect(Array.from(await fromGpu(g, a, 4))).toEqual([1, 2, 3, 4]);
    const tooMany = g.device.limits.maxStorageBufferBindingSize / 4 + 1;
    expect(() => own.storage('huge', tooMany)).toThrow(/buffer m.huge needs/);
    expect(own.count).toBe(0);
    await expect(run(g, zeroBuffer(g, a, 4))).rejects.toThrow(/validation error/i); // a was destroyed
    // a failing construction step frees what was made before it; destroyAll is idempotent
    const c = own.storage('c', 4);
    expect(() =>
      own.guard(() => {
        throw new Error('pipeline refused');
      }),
    ).toThrow('pipeline refused');
    expect(own.count).toBe(0);
    await expect(run(g, zeroBuffer(g, c, 4))).rejects.toThrow(/validation error/i);
    own.destroyAll();
    const d = own.adopt(toGpu(g, new Float32Array(4)));
    expect(own.guard(() => 7)).toBe(7);
    expect(own.count).toBe(1);
    own.destroyAll();
    await expect(run(g, zeroBuffer(g, d, 4))).rejects.toThrow(/validation error/i);
  });
});
