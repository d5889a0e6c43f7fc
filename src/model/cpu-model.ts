// CPU reference of the whole model: the same forward/backward code as the GPU (src/model/gpt.ts)
// run on the plain-loop references. Slow by design; used to check the GPU model end to end.

import type { ModelConfig } from './config';
import { buildLayout, initParams, view, type ParamLayout } from './params';
import { makeActs, accumulatedGrads, type Acts } from './activations';
import { forwardToLogits, backwardFromLogits, crossEntropyLoss, crossEntropyBackward } from './gpt';
import { cpuOps, type CpuTensor } from './cpu-ops';

export class CpuModel {
  readonly layout: ParamLayout;
  readonly params: Float32Array; // (P) flat, layout of params.ts
  readonly grads: Float32Array; // (P)
  readonly acts: Acts<CpuTensor>;
  readonly dacts: Acts<CpuTensor>;

  constructor(
    readonly config: ModelConfig,
    readonly B: number,
    readonly T: number,
    seed = 1,
  ) {
    this.layout = buildLayout(config);
    this.params = initParams(config, this.layout, seed);
    this.grads = new Float32Array(this.layout.total);
    this.acts = makeActs<CpuTensor>(config, B, T, (_, n) => new Float32Array(n));
    this.dacts = makeActs<CpuTensor>(config, B, T, (_, n) => new Float32Array(n));
  }

  /** tokens (B,T) -> logits (B*T, V), returned as a view of the activations. */
  forward(tokens: Int32Array): Float32Array {
    forwardToLogits(cpuOps, this.config, this.layout, (t) => view(this.params, t), this.acts, tokens, this.B, this.T);
    return this.acts.logits as Float32Array;
  }

  /** Mean weighted cross-entropy after forward: sum_n losses[n] * weights[n]. */
  loss(targets: Int32Array, weights: Float32Array): number {
    crossEntropyLoss(cpuOps, this.config, this.acts, targets, this.B, this.T);
    const losses = this.acts.losses as Float32Array;
    let s = 0;
    for (let n = 0; n < this.B * this.T; n++) s += losses[n] * weights[n];
    return s;
  }

  /** Zeroes the gradients backward accumulates into (as the GPU model), then back-propagates the weighted cross-entropy. */
  backward(tokens: Int32Array, targets: Int32Array, weights: Float32Array): void {
    this.grads.fill(0);
    for (const [buf, n] of accumulatedGrads(this.dacts, this.config, this.B, this.T)) buf.fill(0, 0, n);
    crossEntropyBackward(cpuOps, this.config, this.acts, this.dacts, targets, weights, this.B, this.T);
    backwardFromLogits(
      cpuOps,
      this.config,
      this.layout,
      (t) => view(this.params, t),
      (t) => view(this.grads, t),
      this.acts,
      this.dacts,
      tokens,
      this.B,
      this.T,
    );
  }
}
