// A Dispatch is one recorded kernel launch: pipeline, bind group (buffers + uniform, bound once)
// and workgroup counts. Kernel wrappers build Dispatches once; a training step only encodes them.
// With an 'async' pipeline cache, a Dispatch's pipeline and bind group exist once the cache's ready()
// has run (or are made synchronously on first encode); with a 'lazy' one, on first encode.

import type { PipelineCache, PipelineHandle, Constants } from './pipelines';
import { uniformBuffer } from './buffers';

export interface Gpu {
  device: GPUDevice;
  pipelines: PipelineCache;
}

export interface Dispatch {
  readonly label: string;
  readonly pipeline: GPUComputePipeline;
  readonly bindGroup: GPUBindGroup;
  readonly workgroups: [number, number, number];
  uniform?: GPUBuffer; // the Params uniform, rewritable with queue.writeBuffer (e.g. AdamW's step and lr)
  note?: string; // shape or role, for the kernel profile (e.g. a matmul's MxKxN)
  readonly compiled?: boolean; // false while its pipeline does not exist yet (made on first encode)
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

/**
 * A Dispatch whose pipeline comes from the cache's handle and whose bind group is made on first use:
 * in the cache's 'async' mode the pipeline may not exist while dispatches are being recorded.
 */
class RecordedDispatch implements Dispatch {
  private group: GPUBindGroup | null = null;
  constructor(
    readonly label: string,
    private readonly handle: PipelineHandle,
    private readonly device: GPUDevice,
    private readonly entries: GPUBindGroupEntry[],
    readonly workgroups: [number, number, number],
    readonly uniform: GPUBuffer | undefined,
    readonly note: string | undefined,
  ) {}

  get pipeline(): GPUComputePipeline {
    return this.handle.get();
  }

  get compiled(): boolean {
    return this.handle.created;
  }

  get bindGroup(): GPUBindGroup {
    this.group ??= this.device.createBindGroup({
      label: this.label,
      layout: this.pipeline.getBindGroupLayout(0),
      entries: this.entries,
    });
    return this.group;
  }
}

/** Builds one Dispatch; its uniform buffer is created here, once, and freed by releaseDispatches. */
export function makeDispatch(gpu: Gpu, spec: KernelSpec): Dispatch {
  const [x, y = 1, z = 1] = spec.workgroups;
  const maxDim = 65535;
  if (x > maxDim || y > maxDim || z > maxDim)
    throw new Error(`${spec.name}: dispatch ${x}x${y}x${z} exceeds ${maxDim} workgroups per dimension`);
  const handle = gpu.pipelines.request(spec.name, spec.code, spec.constants ?? {}, spec.entryPoint ?? 'main');
  const entries: GPUBindGroupEntry[] = spec.buffers.map((b, binding) => ({
    binding,
    resource: 'buffer' in b ? b : { buffer: b },
  }));
  const uniform = spec.uniform ? uniformBuffer(gpu.device, `${spec.name}:params`, spec.uniform) : undefined;
  if (uniform) entries.push({ binding: spec.buffers.length, resource: { buffer: uniform } });
  const d = new RecordedDispatch(spec.name, handle, gpu.device, entries, [x, y, z], uniform, spec.note);
  if (handle.created) void d.bindGroup; // the pipeline exists: bind now, as before, so binding errors surface here
  return d;
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

/**
 * Encodes passes of dispatches into `enc`, in order, with `between(enc, i)` before pass i > 0. Before a
 * dispatch whose pipeline does not exist yet (a 'lazy' cache's first use), what is encoded so far is
 * submitted and a new encoder taken, so the GPU runs it while that pipeline compiles. Returns the
 * encoder holding the rest (not submitted): the caller adds its copies and submits it.
 */
export function encodeSubmitting(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  passes: readonly (readonly Dispatch[])[],
  label: string,
  between?: (enc: GPUCommandEncoder, pass: number) => void,
): GPUCommandEncoder {
  passes.forEach((ds, i) => {
    if (i > 0) between?.(enc, i);
    let pass = enc.beginComputePass({ label });
    let from = 0;
    ds.forEach((d, k) => {
      if (d.compiled !== false || k === from) return;
      encode(pass, ds.slice(from, k));
      pass.end();
      device.queue.submit([enc.finish()]);
      enc = device.createCommandEncoder({ label });
      pass = enc.beginComputePass({ label });
      from = k;
    });
    encode(pass, ds.slice(from));
    pass.end();
  });
  return enc;
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
