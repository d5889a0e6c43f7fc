// A Dispatch is one recorded kernel launch: pipeline, bind group (buffers + uniform, bound once)
// and workgroup counts. Kernel wrappers build Dispatches once; a training step only encodes them.

import type { PipelineCache, Constants } from './pipelines';
import { uniformBuffer } from './buffers';

export interface Gpu {
  device: GPUDevice;
  pipelines: PipelineCache;
}

export interface Dispatch {
  label: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: [number, number, number];
  uniform?: GPUBuffer; // the Params uniform, rewritable with queue.writeBuffer (e.g. AdamW's step and lr)
  note?: string; // shape or role, for the kernel profile (e.g. a matmul's MxKxN)
}

/** A whole buffer, or a range of one (offsets in bytes, multiples of 256: minStorageBufferOffsetAlignment). */
export type Buf = GPUBuffer | GPUBufferBinding;

export interface KernelSpec {
  name: string; // kernel name: labels the pipeline, bind group and uniform
  code: string; // WGSL source
  constants?: Constants; // override constants (workgroup size, tiles, flags)
  entryPoint?: string;
  buffers: Buf[]; // bound at @binding(0..n-1) in order: outputs, then inputs
  uniform?: Uint8Array; // bound at @binding(n), last
  workgroups: [number, number?, number?];
  note?: string; // shape or role shown in the kernel profile
}

/** Builds one Dispatch; its uniform buffer is created here, once, and freed by releaseDispatches. */
export function makeDispatch(gpu: Gpu, spec: KernelSpec): Dispatch {
  const pipeline = gpu.pipelines.get(spec.name, spec.code, spec.constants ?? {}, spec.entryPoint ?? 'main');
  const entries: GPUBindGroupEntry[] = spec.buffers.map((b, binding) => ({ binding, resource: 'buffer' in b ? b : { buffer: b } }));
  const uniform = spec.uniform ? uniformBuffer(gpu.device, `${spec.name}:params`, spec.uniform) : undefined;
  if (uniform) entries.push({ binding: spec.buffers.length, resource: { buffer: uniform } });
  const bindGroup = gpu.device.createBindGroup({ label: spec.name, layout: pipeline.getBindGroupLayout(0), entries });
  const [x, y = 1, z = 1] = spec.workgroups;
  const maxDim = 65535;
  if (x > maxDim || y > maxDim || z > maxDim) throw new Error(`${spec.name}: dispatch ${x}x${y}x${z} exceeds ${maxDim} workgroups per dimension`);
  return { label: spec.name, pipeline, bindGroup, workgroups: [x, y, z], uniform, note: spec.note };
}

/** Records dispatches into one compute pass. Empty dispatches (a zero-size dimension) are skipped. */
export function encode(pass: GPUComputePassEncoder, dispatches: readonly Dispatch[]): void {
  for (const d of dispatches) {
    if (d.workgroups[0] === 0 || d.workgroups[1] === 0 || d.workgroups[2] === 0) continue;
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1], d.workgroups[2]);
  }
}

/** Encodes and submits dispatches in one command buffer. */
export function submit(gpu: Gpu, dispatches: readonly Dispatch[], label = 'submit'): void {
  const enc = gpu.device.createCommandEncoder({ label });
  const pass = enc.beginComputePass({ label });
  encode(pass, dispatches);
  pass.end();
  gpu.device.queue.submit([enc.finish()]);
}

/**
 * Destroys the uniform buffers of dispatches the caller built and will not encode again. Storage
 * buffers are not touched (they belong to whoever created them); a buffer still used by submitted
 * work is freed once that work completes.
 */
export function releaseDispatches(dispatches: Iterable<Dispatch>): void {
  for (const d of dispatches) d.uniform?.destroy();
}

/** Number of workgroups of size `size` needed to cover `n` items. */
export function groups(n: number, size: number): number {
  return Math.ceil(n / size);
}
