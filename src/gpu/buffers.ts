// Buffer helpers: labelled storage and uniform buffers, uploads, and readback.
// Readback is the only way data leaves the GPU; the training step calls it for the scalar loss alone.

const STORAGE = 0x0080 | 0x0008 | 0x0004; // STORAGE | COPY_DST | COPY_SRC (GPUBufferUsage is not a global in every context)
const UNIFORM = 0x0040 | 0x0008; // UNIFORM | COPY_DST
const MAP_READ = 0x0001;
const COPY_DST = 0x0008;

/**
 * A storage buffer of `count` 4-byte elements (f32, i32 or u32), optionally filled from `data`. A buffer
 * larger than the device can bind is refused here, by name, instead of failing later as an invalid buffer.
 */
export function storageBuffer(device: GPUDevice, label: string, count: number, data?: ArrayBufferView): GPUBuffer {
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`buffer ${label}: element count must be a non-negative integer, got ${count}`);
  const size = Math.max(16, Math.ceil((count * 4) / 16) * 16);
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  if (size > limit) {
    const mib = (b: number) => (b / 2 ** 20).toFixed(1);
    throw new Error(
      `buffer ${label} needs ${mib(size)} MiB, more than this device can bind (${mib(limit)} MiB): ` +
        'use a smaller batch, sequence length or model',
    );
  }
  const buf = device.createBuffer({ label, size, usage: STORAGE });
  if (data) device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset, data.byteLength);
  return buf;
}

/** A uniform buffer holding `words` (u32/i32/f32 bit patterns packed by the caller). */
export function uniformBuffer(device: GPUDevice, label: string, words: ArrayBufferView): GPUBuffer {
  const size = Math.max(16, Math.ceil(words.byteLength / 16) * 16);
  const buf = device.createBuffer({ label, size, usage: UNIFORM });
  device.queue.writeBuffer(buf, 0, words.buffer, words.byteOffset, words.byteLength);
  return buf;
}

/** Packs uniform fields in order: integers as u32 (or i32 if negative), non-integers must be passed via `f32()`. */
export class UniformWriter {
  private view: DataView;
  private n = 0;
  constructor(capacityWords = 32) {
    this.view = new DataView(new ArrayBuffer(capacityWords * 4));
  }
  u32(v: number): this {
    this.view.setUint32(this.next(), v >>> 0, true);
    return this;
  }
  i32(v: number): this {
    this.view.setInt32(this.next(), v | 0, true);
    return this;
  }
  f32(v: number): this {
    this.view.setFloat32(this.next(), v, true);
    return this;
  }
  /** Byte offset of the next field. */
  private next(): number {
    if (4 * (this.n + 1) > this.view.byteLength)
      throw new Error(`UniformWriter: more than ${this.view.byteLength / 4} fields; pass a larger capacity`);
    return 4 * this.n++;
  }
  bytes(): Uint8Array {
    // Uniform structs are padded to 16 bytes.
    return new Uint8Array(this.view.buffer, 0, Math.max(16, Math.ceil((this.n * 4) / 16) * 16));
  }
}

export function upload(device: GPUDevice, buf: GPUBuffer, data: ArrayBufferView, offsetBytes = 0): void {
  device.queue.writeBuffer(buf, offsetBytes, data.buffer, data.byteOffset, data.byteLength);
}

/** Copies `count` 4-byte elements starting at element `offset` of `buf` back to the CPU. */
export async function readback(device: GPUDevice, buf: GPUBuffer, count: number, offset = 0): Promise<ArrayBuffer> {
  const bytes = count * 4;
  const padded = Math.ceil(bytes / 4) * 4;
  const staging = device.createBuffer({
    label: `${buf.label}:readback`,
    size: Math.max(4, padded),
    usage: MAP_READ | COPY_DST,
  });
  const enc = device.createCommandEncoder({ label: `${buf.label}:readback` });
  enc.copyBufferToBuffer(buf, offset * 4, staging, 0, padded);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(MAP_READ);
  const out = staging.getMappedRange().slice(0, bytes);
  staging.unmap();
  staging.destroy();
  return out;
}

export async function readF32(device: GPUDevice, buf: GPUBuffer, count: number, offset = 0): Promise<Float32Array> {
  return new Float32Array(await readback(device, buf, count, offset));
}

export async function readI32(device: GPUDevice, buf: GPUBuffer, count: number, offset = 0): Promise<Int32Array> {
  return new Int32Array(await readback(device, buf, count, offset));
}

export async function readU32(device: GPUDevice, buf: GPUBuffer, count: number, offset = 0): Promise<Uint32Array> {
  return new Uint32Array(await readback(device, buf, count, offset));
}
