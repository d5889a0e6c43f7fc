// The worker's one GPU device: acquired on first use (the capability probe and a start may ask at the
// same time), watched for loss, and acquired again after a loss. Work on a lost device may never
// settle, so callers race it against the loss. Not a device pool: one device, one pipeline cache.

import type { GpuHandle } from '../gpu/device';
import type { Gpu } from '../gpu/dispatch';
import { PipelineCache } from '../gpu/pipelines';

export interface Device {
  handle: GpuHandle;
  gpu: Gpu;
  lost: Promise<string>; // resolves with a message when the device is lost
  failed: Promise<never>; // rejects with that message (handled once, so racing it never leaks a rejection)
  lostMessage?: string; // set once lost
}

export class DeviceSlot {
  private current?: Device;
  private pending?: Promise<Device>;

  constructor(
    private readonly acquire: () => Promise<GpuHandle>,
    private readonly onLost: (d: Device, message: string) => void,
  ) {}

  /** The live device, acquiring one if there is none (or the last one was lost). */
  get(): Promise<Device> {
    this.pending ??= this.open().catch((e) => {
      this.pending = undefined;
      throw e;
    });
    return this.pending;
  }

  /** Destroys the live device as a driver reset would (the e2e hook); its loss is handled as any other. */
  destroy(): void {
    this.current?.handle.device.destroy();
  }

  private async open(): Promise<Device> {
    const handle = await this.acquire();
    const lost = handle.device.lost.then((info) => {
      const text = `The GPU device was lost (${lossCause(info)}).`;
      d.lostMessage = text;
      if (this.current === d) {
        this.current = undefined;
        this.pending = undefined;
      }
      this.onLost(d, text);
      return text;
    });
    const failed = lost.then((m): never => {
      throw new Error(m);
    });
    failed.catch(() => undefined);
    const d: Device = {
      handle,
      gpu: { device: handle.device, pipelines: new PipelineCache(handle.device) },
      lost,
      failed,
    };
    this.current = d;
    return d;
  }
}

/** The cause of a device loss in a few words: the browser's message when it gives one. */
export function lossCause(info: Pick<GPUDeviceLostInfo, 'reason' | 'message'>): string {
  const said = (info.message ?? '').trim().replace(/\.+$/, '');
  if (said) return said;
  return info.reason === 'destroyed' ? 'the device was destroyed' : 'a driver reset or the GPU was removed';
}

/** Settles with the work, or rejects as soon as the device is lost. */
export function raceLost<T>(d: Device, work: Promise<T>): Promise<T> {
  return Promise.race([work, d.failed]);
}
