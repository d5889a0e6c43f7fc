// Test access to a real WebGPU device (a GPU, or SwiftShader on machines without one).
// No adapter is a loud failure with install instructions: GPU tests are never skipped.

import { acquireGpu, type GpuHandle } from '../../src/gpu/device';
import { PipelineCache } from '../../src/gpu/pipelines';
import { storageBuffer, readF32, readI32 } from '../../src/gpu/buffers';
import { submit, type Dispatch, type Gpu } from '../../src/gpu/dispatch';

let handle: Promise<GpuHandle> | null = null;
let gpu: Gpu | null = null;

/** One device per test file (vitest runs each file in its own process). */
export async function testGpu(): Promise<Gpu> {
  handle ??= acquireGpu();
  const h = await handle; // throws NoAdapterError with instructions when there is no adapter
  gpu ??= { device: h.device, pipelines: new PipelineCache(h.device) };
  return gpu;
}

/** Uploads data into a fresh storage buffer. */
export function toGpu(g: Gpu, data: Float32Array | Int32Array | Uint32Array, label = 'test'): GPUBuffer {
  return storageBuffer(g.device, label, data.length, data);
}

/** A zero-filled storage buffer of n elements. */
export function zerosGpu(g: Gpu, n: number, label = 'test'): GPUBuffer {
  return storageBuffer(g.device, label, n, new Float32Array(n));
}

/** Runs dispatches, waits, and checks that the device reported no validation error. */
export async function run(g: Gpu, dispatches: Dispatch[] | Dispatch): Promise<void> {
  g.device.pushErrorScope('validation');
  submit(g, Array.isArray(dispatches) ? dispatches : [dispatches], 'test');
  const err = await g.device.popErrorScope();
  if (err) throw new Error(`WebGPU validation error: ${err.message}`);
  await g.device.queue.onSubmittedWorkDone();
}

export const fromGpu = (g: Gpu, b: GPUBuffer, n: number) => readF32(g.device, b, n);
export const fromGpuI32 = (g: Gpu, b: GPUBuffer, n: number) => readI32(g.device, b, n);
