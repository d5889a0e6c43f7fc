// The RL policy on the GPU: the trained model, a frozen reference copy of its parameters (for the
// k3 KL loss and for OPSD's teacher), AdamW, and the recorded dispatches of three updates:
//   policy-gradient (clipped surrogate + KL + entropy bonus), SFT (masked next-token loss).
// Buffers, per token of the (rows, T) grid, N = rows*T: logp, entropy, logpOld, logpRef, adv, weight,
// terms (N,4), dlogp, dentropy. Grids of several T are recorded once each and cached.

import { GpuModel } from '../model/gpu-model';
import { GpuAdamW } from '../model/optimizer';
import type { ModelConfig } from '../model/config';
import { storageBuffer, upload, readF32 } from '../gpu/buffers';
import { encode as encodePass, type Dispatch, type Gpu } from '../gpu/dispatch';
import { logprobForward, logprobBackward } from '../kernels/logprob';
import { policyLossForward, policyLossBackward, type PolicyLossHp } from '../kernels/policy_loss';
import { weightedSum } from '../kernels/weighted_sum';
import { zeroBuffer } from '../kernels/zero';

export interface OptimHyper {
  lr: number;
  weightDecay: number;
  maxGradNorm: number;
}

export interface PgReport {
  terms: Float32Array; // (N,4) [loss_t, kl_t, clippedLow_t, clippedHigh_t]
  entropy: Float32Array; // (N)
  logp: Float32Array; // (N) log-probabilities under the policy before this update
  gradNorm: number;
}

const COPY_SRC = 0x0004;

export class RlPolicy {
  readonly model: GpuModel;
  readonly refParams: GPUBuffer; // (P) frozen start model
  readonly optim: GpuAdamW;
  readonly maxN: number;
  readonly bufs: Record<'logp' | 'entropy' | 'logpOld' | 'logpRef' | 'adv' | 'weight' | 'dlogp' | 'dentropy' | 'loss', GPUBuffer>;
  readonly terms: GPUBuffer; // (maxN,4)
  private cache = new Map<string, Dispatch[]>();

  constructor(readonly gpu: Gpu, readonly config: ModelConfig, params: Float32Array, readonly maxRows: number) {
    const T = config.contextLength;
    this.model = new GpuModel(gpu, config, maxRows, T);
    upload(gpu.device, this.model.params, params);
    this.refParams = gpu.device.createBuffer({ label: 'refParams', size: this.model.params.size, usage: 0x0080 | 0x0008 | COPY_SRC });
    upload(gpu.device, this.refParams, params);
    this.optim = new GpuAdamW(gpu, this.model.layout, this.model.params, this.model.grads);
    this.maxN = maxRows * T;
    const mk = (name: string, n = this.maxN) => storageBuffer(gpu.device, `rl.${name}`, n);
    this.bufs = {
      logp: mk('logp'), entropy: mk('entropy'), logpOld: mk('logpOld'), logpRef: mk('logpRef'), adv: mk('adv'),
      weight: mk('weight'), dlogp: mk('dlogp'), dentropy: mk('dentropy'), loss: mk('loss', 1),
    };
    this.terms = mk('terms', this.maxN * 4);
  }

  private cached(key: string, build: () => Dispatch[]): Dispatch[] {
    let d = this.cache.get(key);
    if (!d) this.cache.set(key, (d = build()));
    return d;
  }

  /** Uploads a (rows, T) grid of tokens and targets into the model's input buffers. */
  setGrid(tokens: Int32Array, targets: Int32Array): void {
    upload(this.gpu.device, this.model.tokens, tokens);
    upload(this.gpu.device, this.model.targets, targets);
  }

  /** Dispatches: forward with `params` then per-token logp/entropy into bufs.logp/entropy. */
  private logprobPass(rows: number, T: number, which: 'policy' | 'ref'): Dispatch[] {
    return this.cached(`lp:${which}:${rows}x${T}`, () => [
      ...this.model.forward(rows, T, which === 'ref' ? this.refParams : this.model.params),
      logprobForward(this.gpu, this.bufs.logp, this.bufs.entropy, this.model.acts.logits, this.model.targets, rows * T, this.config.vocabSize),
    ]);
  }

  /** Runs a log-probability pass on the current grid and copies logp into `dest` (a (rows*T) buffer). */
  async logprobsInto(rows: number, T: number, which: 'policy' | 'ref', dest: GPUBuffer | null): Promise<void> {
    const dev = this.gpu.device;
    const enc = dev.createCommandEncoder({ label: `logprobs-${which}` });
    const pass = enc.beginComputePass();
    encodePass(pass, this.logprobPass(rows, T, which));
    pass.end();
    if (dest) enc.copyBufferToBuffer(this.bufs.logp, 0, dest, 0, rows * T * 4);
    dev.queue.submit([enc.finish()]);
    await dev.queue.onSubmittedWorkDone();
  }

  /** Reads back a per-token buffer (metrics and CPU-side signals; once per batch, never per token). */
  read(buf: GPUBuffer, n: number): Promise<Float32Array> {
    return readF32(this.gpu.device, buf, n);
  }

  /**
   * One clipped policy-gradient update on the current grid (rows x T). adv and weight (rows*T) come
   * from the CPU; logpOld and logpRef must already hold this grid's values (logprobsInto).
   */
  async pgUpdate(rows: number, T: number, adv: Float32Array, weight: Float32Array, hp: PolicyLossHp, o: OptimHyper): Promise<PgReport> {
    const N = rows * T, V = this.config.vocabSize, g = this.gpu, b = this.bufs, m = this.model;
    upload(g.device, b.adv, adv);
    upload(g.device, b.weight, weight);
    const key = `pg:${rows}x${T}:${hp.epsLow},${hp.epsHigh},${hp.beta},${hp.entCoef}`;
    const d = this.cached(key, () => [
      ...m.zeroGrads(rows, T), zeroBuffer(g, b.dlogp, N), zeroBuffer(g, b.dentropy, N),
      ...m.forward(rows, T),
      logprobForward(g, b.logp, b.entropy, m.acts.logits, m.targets, N, V),
      policyLossForward(g, this.terms, b.logp, b.logpOld, b.logpRef, b.adv, b.weight, b.entropy, N, hp),
      policyLossBackward(g, b.dlogp, b.dentropy, b.logp, b.logpOld, b.logpRef, b.adv, b.weight, N, hp),
      logprobBackward(g, m.dacts.logits, m.acts.logits, m.targets, b.dlogp, b.dentropy, N, V),
      ...m.backward(rows, T),
    ]);
    return this.runUpdate(d, N, o);
  }

  /** One SFT update: masked next-token loss on the current grid, weight = mask / count per token. */
  async sftUpdate(rows: number, T: number, weight: Float32Array, o: OptimHyper): Promise<{ loss: number; gradNorm: number }> {
    const N = rows * T, g = this.gpu, m = this.model;
    upload(g.device, m.weights, weight);
    const d = this.cached(`sft:${rows}x${T}`, () => [
      ...m.zeroGrads(rows, T), ...m.forward(rows, T), ...m.loss(rows, T),
      ...weightedSum(g, this.bufs.loss, m.acts.losses, m.weights, N), ...m.lossBackward(rows, T), ...m.backward(rows, T),
    ]);
    const r = await this.runUpdate(d, N, o);
    const loss = (await this.read(this.bufs.loss, 1))[0];
    return { loss, gradNorm: r.gradNorm };
  }

  private async runUpdate(d: Dispatch[], N: number, o: OptimHyper): Promise<PgReport> {
    const dev = this.gpu.device;
    this.optim.prepare({ lr: o.lr, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: o.weightDecay, maxGradNorm: o.maxGradNorm });
    const enc = dev.createCommandEncoder({ label: 'rl-update' });
    const pass = enc.beginComputePass();
    encodePass(pass, d);
    encodePass(pass, this.optim.dispatches);
    pass.end();
    dev.queue.submit([enc.finish()]);
    const [terms, entropy, logp, normSq] = await Promise.all([
      this.read(this.terms, N * 4), this.read(this.bufs.entropy, N), this.read(this.bufs.logp, N), this.read(this.optim.normSq, 1),
    ]);
    if (!Number.isFinite(normSq[0])) {
      this.optim.step -= 1;
      throw new Error('the policy gradient is not finite (NaN or Inf): the update was skipped; lower the learning rate');
    }
    return { terms, entropy, logp, gradNorm: Math.sqrt(normSq[0]) };
  }

  /** The current parameters (for checkpoints). */
  params(): Promise<Float32Array> {
    return this.read(this.model.params, this.model.layout.total);
  }

  destroy(): void {
    this.model.destroy();
    this.optim.destroy();
    this.refParams.destroy();
    for (const b of [...Object.values(this.bufs), this.terms]) b.destroy();
  }
}
