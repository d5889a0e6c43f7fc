// AdamW on the GPU with global gradient-norm clipping: m and v share the flat parameter layout;
// the squared gradient norm is reduced on the GPU and read by the AdamW kernel there (no readback).

import { storageBuffer } from '../gpu/buffers';
import { releaseDispatches, type Dispatch, type Gpu } from '../gpu/dispatch';
import { gradNormSquared, gradNormPartialsLength } from '../kernels/gradnorm';
import { adamw, type AdamwKernel, type AdamwHyper } from '../kernels/adamw';
import { decayMask, type ParamLayout } from './params';

export class GpuAdamW {
  readonly m: GPUBuffer; // (P)
  readonly v: GPUBuffer; // (P)
  readonly normSq: GPUBuffer; // (1) squared global gradient norm of the last step
  private readonly mask: GPUBuffer; // (P) 1 where weight decay applies
  private readonly partials: GPUBuffer; // (ceil(P/chunk)) reduction scratch
  private readonly kernel: AdamwKernel;
  readonly dispatches: Dispatch[]; // grad norm, then the update
  step = 0; // optimiser steps taken

  constructor(
    private readonly gpu: Gpu,
    layout: ParamLayout,
    params: GPUBuffer,
    grads: GPUBuffer,
  ) {
    const P = layout.total;
    const dev = gpu.device;
    this.m = storageBuffer(dev, 'adam.m', P);
    this.v = storageBuffer(dev, 'adam.v', P);
    this.mask = storageBuffer(dev, 'adam.decayMask', P, decayMask(layout));
    this.normSq = storageBuffer(dev, 'adam.gradNormSq', 1);
    this.partials = storageBuffer(dev, 'adam.partials', gradNormPartialsLength(P));
    this.kernel = adamw(gpu, params, this.m, this.v, grads, this.mask, this.normSq, P);
    this.dispatches = [...gradNormSquared(gpu, this.normSq, this.partials, grads, P), this.kernel.dispatch];
  }

  /** Sets the hyper-parameters of the next update (step is advanced here). */
  prepare(h: Omit<AdamwHyper, 'step'>): void {
    this.step += 1;
    this.kernel.setHyper(this.gpu.device, { ...h, step: this.step });
  }

  destroy(): void {
    releaseDispatches(this.dispatches);
    for (const b of [this.m, this.v, this.mask, this.normSq, this.partials]) b.destroy();
  }
}
