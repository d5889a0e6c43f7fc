// Owned storage buffers: an object that allocates several labelled buffers makes them through one
// BufferOwner, which remembers them for destroyAll() and, when an allocation (or a guarded
// construction step) throws, destroys everything made so far before rethrowing, so a half-built
// object leaks no GPU memory.

import { storageBuffer } from './buffers';

export class BufferOwner {
  private owned: GPUBuffer[] = [];

  /** `prefix` is prepended to every label (e.g. 'decode.'). */
  constructor(
    readonly device: GPUDevice,
    readonly prefix = '',
  ) {}

  /** A storage buffer of `count` 4-byte elements labelled prefix + label, optionally filled from `data`. */
  storage(label: string, count: number, data?: ArrayBufferView): GPUBuffer {
    return this.guard(() => this.adopt(storageBuffer(this.device, this.prefix + label, count, data)));
  }

  /** Takes ownership of a buffer made elsewhere; it is destroyed with the others. */
  adopt(buffer: GPUBuffer): GPUBuffer {
    this.owned.push(buffer);
    return buffer;
  }

  /** Runs one construction step; if it throws, every owned buffer is destroyed and the error rethrown. */
  guard<T>(build: () => T): T {
    try {
      return build();
    } catch (e) {
      this.destroyAll();
      throw e;
    }
  }

  /** Number of buffers owned now. */
  get count(): number {
    return this.owned.length;
  }

  /** Destroys every owned buffer (idempotent); the owner can allocate again afterwards. */
  destroyAll(): void {
    for (const b of this.owned) b.destroy();
    this.owned = [];
  }
}
