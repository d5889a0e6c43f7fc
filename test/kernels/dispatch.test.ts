// The plumbing every kernel wrapper stands on: the pipeline cache refuses two WGSL sources under one
// kernel name, UniformWriter refuses more fields than it holds, storageBuffer refuses a buffer the
// device cannot bind, and releaseDispatches frees a dispatch's uniform (encoding it afterwards fails).
import { describe, it, expect } from 'vitest';
import { makeDispatch, releaseDispatches } from '../../src/gpu/dispatch';
import { storageBuffer, UniformWriter } from '../../src/gpu/buffers';
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
    await run(g, makeDispatch(g, { name: 'test_fill', code: FILL.replace('VALUE', '1.0'), buffers: [buf], uniform, workgroups: [1] }));
    expect(Array.from(await fromGpu(g, buf, 4))).toEqual([1, 1, 1, 1]);
    expect(() => makeDispatch(g, { name: 'test_fill', code: FILL.replace('VALUE', '2.0'), buffers: [buf], uniform, workgroups: [1] }))
      .toThrow(/"test_fill" is already used by different WGSL source/);
  });

  it('UniformWriter and storageBuffer refuse what does not fit, with a message', async () => {
    const g = await testGpu();
    const w = new UniformWriter(2).u32(1).f32(2);
    expect(() => w.i32(3)).toThrow(/more than 2 fields/);
    const tooMany = g.device.limits.maxStorageBufferBindingSize / 4 + 1;
    expect(() => storageBuffer(g.device, 'huge', tooMany)).toThrow(/buffer huge needs .* MiB, more than this device can bind/);
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
});
