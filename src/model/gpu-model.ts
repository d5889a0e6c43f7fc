// The tiny GPT on the GPU: flat parameter and gradient buffers, activation buffers sized for
// (maxB, maxT), and recorded dispatch lists for forward, loss and backward. Not the optimiser
// (AdamW state lives in optimizer.ts) and not decoding (decode.ts). Buffers: params/grads (P) flat
// with named offsets (params.ts); tokens/targets (maxB*maxT) i32; weights (maxB*maxT) f32 per-token
// loss weights; one buffer per activation and per activation gradient.

import type { ModelConfig } from './config';
import { buildLayout, bind, type ParamLayout } from './params';
import { makeActs, accumulatedGrads, type Acts } from './activations';
import { forwardToLogits, backwardFromLogits, crossEntropyLoss, crossEntropyBackward } from './gpt';
import { GpuOps } from './gpu-ops';
import { BufferOwner } from '../gpu/owned';
import type { Dispatch, Gpu } from '../gpu/dispatch';

export class GpuModel {
  readonly layout: ParamLayout;
  readonly params: GPUBuffer; // (P)
  readonly grads: GPUBuffer; // (P)
  readonly tokens: GPUBuffer; // (maxB, maxT) i32
  readonly targets: GPUBuffer; // (maxB, maxT) i32, -1 = no loss
  readonly weights: GPUBuffer; // (maxB, maxT) f32 per-token loss weight (mask / count)
  readonly acts: Acts<GPUBuffer>;
  readonly dacts: Acts<GPUBuffer>;
  private readonly buffers: BufferOwner; // every buffer above; all freed if one cannot be made

  constructor(
    readonly gpu: Gpu,
    readonly config: ModelConfig,
    readonly maxB: number,
    readonly maxT: number,
  ) {
    if (!Number.isInteger(maxB) || maxB < 1) throw new Error(`batch size must be a positive integer, got ${maxB}`);
    if (!Number.isInteger(maxT) || maxT < 1 || maxT > config.contextLength) {
      throw new Error(`sequence length ${maxT} must lie in [1, ${config.contextLength}] (the model's context length)`);
    }
    this.layout = buildLayout(config);
    const P = this.layout.total;
    this.buffers = new BufferOwner(gpu.device);
    const mk = (label: string, n: number) => this.buffers.storage(label, n);
    this.params = mk('params', P);
    this.grads = mk('grads', P);
    this.tokens = mk('tokens', maxB * maxT);
    this.targets = mk('targets', maxB * maxT);
    this.weights = mk('weights', maxB * maxT);
    this.acts = makeActs(config, maxB, maxT, (name, n) => mk(`act.${name}`, n));
    this.dacts = makeActs(config, maxB, maxT, (name, n) => mk(`dact.${name}`, n));
  }

  get paramCount(): number {
    return this.layout.count;
  }

  /** Dispatches computing acts.logits (B*T, V) from `tokens` for a batch of B x T; `params` defaults to the
   *  trained parameters (a frozen reference copy with the same layout can be passed instead). */
  forward(B: number, T: number, params: GPUBuffer = this.params): Dispatch[] {
    this.checkShape(B, T);
    const ops = new GpuOps(this.gpu);
    forwardToLogits(ops, this.config, this.layout, (t) => bind(params, t), this.acts, this.tokens, B, T);
    return ops.take();
  }

  /** Dispatches computing per-token cross-entropy into acts.losses (after forward). */
  loss(B: number, T: number): Dispatch[] {
    this.checkShape(B, T);
    const ops = new GpuOps(this.gpu);
    crossEntropyLoss(ops, this.config, this.acts, this.targets, B, T);
    return ops.take();
  }

  /**
   * Dispatches zeroing every gradient that backward accumulates into (all parameters, and the activation
   * gradients of accumulatedGrads): run once before a backward. Scratch such as datt is not cleared.
   */
  zeroGrads(B: number, T: number): Dispatch[] {
    this.checkShape(B, T);
    const ops = new GpuOps(this.gpu);
    ops.zero(this.grads, this.layout.total);
    for (const [buf, n] of accumulatedGrads(this.dacts, this.config, B, T)) ops.zero(buf, n);
    return ops.take();
  }

  /** Dispatches writing dacts.logits from the cross-entropy loss weighted by `weights`. */
  lossBackward(B: number, T: number): Dispatch[] {
    this.checkShape(B, T);
    const ops = new GpuOps(this.gpu);
    crossEntropyBackward(ops, this.config, this.acts, this.dacts, this.targets, this.weights, B, T);
    return ops.take();
  }

  /** Dispatches back-propagating dacts.logits into `grads` (after forward and a loss backward). */
  backward(B: number, T: number): Dispatch[] {
    this.checkShape(B, T);
    const ops = new GpuOps(this.gpu);
    backwardFromLogits(
      ops,
      this.config,
      this.layout,
      (t) => bind(this.params, t),
      (t) => bind(this.grads, t),
      this.acts,
      this.dacts,
      this.tokens,
      B,
      T,
    );
    return ops.take();
  }

  private checkShape(B: number, T: number): void {
    if (!Number.isInteger(B) || !Number.isInteger(T) || B < 1 || B > this.maxB || T < 1 || T > this.maxT) {
      throw new Error(
        `batch ${B}x${T} does not fit the model's buffers, allocated for at most ${this.maxB}x${this.maxT}`,
      );
    }
  }

  destroy(): void {
    this.buffers.destroyAll();
  }
}
