// A model being trained on the GPU, shared by pre-training and every RL/SFT update: the GpuModel, its
// AdamW state with one config block, the submit of an update (gradient passes then AdamW, one command
// buffer) and the checked gradient norm with its rollback. Not a training loop: callers record their
// own dispatch lists (what the gradient is) and decide when to step.

import { GpuModel } from './gpu-model';
import { GpuAdamW } from './optimizer';
import type { ModelConfig } from './config';
import { upload } from '../gpu/buffers';
import { encodeSubmitting, type Dispatch, type Gpu } from '../gpu/dispatch';

/** AdamW's fixed constants, the same for every kind of run. */
export const ADAMW = {
  beta1: 0.9, // GPT-2 / nanoGPT
  beta2: 0.95, // nanoGPT's choice for small batches: the second moment follows the noisy gradient faster than 0.999
  eps: 1e-8, // only guards the division; the updates of this model's weights are far larger
} as const;

/** What changes between updates: the learning rate of the step and the run's regularisation. */
export interface UpdateHyper {
  lr: number;
  weightDecay: number; // decoupled, on matrices only (params.ts decayMask)
  maxGradNorm: number; // global gradient-norm clip; <= 0 disables
}

/** Saved AdamW state to continue from (checkpoint sections adam.m, adam.v and the step counter). */
export interface AdamState {
  m: Float32Array; // (P)
  v: Float32Array; // (P)
  step: number;
}

const MAP_READ = 0x0001,
  COPY_DST = 0x0008;

export class TrainState {
  readonly model: GpuModel;
  readonly optim: GpuAdamW;
  private report?: GPUBuffer; // staging for the scalars read back after an update, grown on demand

  constructor(
    readonly gpu: Gpu,
    config: ModelConfig,
    maxB: number,
    maxT: number,
    params: Float32Array,
    adam?: AdamState,
  ) {
    this.model = new GpuModel(gpu, config, maxB, maxT);
    try {
      upload(gpu.device, this.model.params, params);
      this.optim = new GpuAdamW(gpu, this.model.layout, this.model.params, this.model.grads);
    } catch (e) {
      this.model.destroy();
      throw e;
    }
    if (adam) {
      upload(gpu.device, this.optim.m, adam.m);
      upload(gpu.device, this.optim.v, adam.v);
      this.optim.step = adam.step;
    }
  }

  get config(): ModelConfig {
    return this.model.config;
  }

  /**
   * Encodes one update into one command buffer and submits it: each group of dispatches is a compute
   * pass, `between` runs after the first pass (GPU-to-GPU copies), AdamW closes the last pass. (With a
   * 'lazy' pipeline cache the first update goes in several, split where a kernel is first compiled:
   * see encodeSubmitting.) Then
   * reads back the squared gradient norm followed by `scalars` (one f32 each) through one staging
   * buffer. The AdamW step counter advances here.
   */
  async update(
    groups: Dispatch[][],
    hp: UpdateHyper,
    scalars: GPUBuffer[] = [],
    between?: (enc: GPUCommandEncoder) => void,
  ): Promise<Float32Array> {
    const dev = this.gpu.device;
    await this.gpu.pipelines.ready(); // an 'async' cache compiles what the run recorded, concurrently, before the first submit
    this.optim.prepare({
      lr: hp.lr,
      beta1: ADAMW.beta1,
      beta2: ADAMW.beta2,
      eps: ADAMW.eps,
      weightDecay: hp.weightDecay,
      maxGradNorm: hp.maxGradNorm,
    });
    const bytes = 4 * (1 + scalars.length);
    if (!this.report || this.report.size < bytes) {
      this.report?.destroy();
      this.report = dev.createBuffer({ label: 'update-report', size: Math.max(16, bytes), usage: MAP_READ | COPY_DST });
    }
    const passes =
      groups.length > 0
        ? groups.map((g, i) => (i === groups.length - 1 ? [...g, ...this.optim.dispatches] : g))
        : [this.optim.dispatches];
    const enc = encodeSubmitting(dev, dev.createCommandEncoder({ label: 'update' }), passes, 'update', (e, i) => {
      if (i === 1) between?.(e);
    });
    enc.copyBufferToBuffer(this.optim.normSq, 0, this.report, 0, 4);
    scalars.forEach((b, i) => enc.copyBufferToBuffer(b, 0, this.report as GPUBuffer, 4 * (i + 1), 4));
    dev.queue.submit([enc.finish()]);
    await this.report.mapAsync(MAP_READ, 0, bytes);
    const out = new Float32Array(this.report.getMappedRange(0, bytes).slice(0));
    this.report.unmap();
    return out;
  }

  /**
   * The gradient norm of the update just run. When it (or any of `alsoFinite`) is not finite, the
   * AdamW kernel has skipped the update on the GPU, so the step counter is rolled back to keep bias
   * correction in line with the moments, and the error `describe` gives is thrown.
   */
  checkedNorm(normSq: number, describe: () => string, alsoFinite: number[] = []): number {
    if (!Number.isFinite(normSq) || alsoFinite.some((x) => !Number.isFinite(x))) {
      this.optim.step -= 1;
      throw new Error(describe());
    }
    return Math.sqrt(normSq);
  }

  destroy(): void {
    this.model.destroy();
    this.optim.destroy();
    this.report?.destroy();
  }
}
