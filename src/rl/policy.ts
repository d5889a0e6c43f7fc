// The RL policy on the GPU: the trained model, a frozen reference copy of its parameters (for the
// k3 KL loss and for OPSD's teacher), AdamW, and the recorded dispatches of two updates:
// policy-gradient (clipped surrogate + KL + entropy bonus) and SFT (masked next-token loss).
// Buffers, per token of the (rows, T) padded batch, N = rows*T <= maxN: logp, entropy, logpOld, logpRef, adv,
// weight, terms (N,4), dlogp, dentropy; batchOld, batchRef (maxN) hold a whole batch's old and
// reference log-probs on the GPU (storeLogprobs), from which every mini-batch and epoch copies its
// rows GPU to GPU (no readback, no upload). Dispatch lists are recorded once per batch shape and
// cached; the loss hyper-parameters live in uniforms rewritten before each update. Every pass takes
// the padded batch it runs on as an argument and uploads it: no call depends on an earlier one.

import type { GpuModel } from '../model/gpu-model';
import type { GpuAdamW } from '../model/optimizer';
import { TrainState, type AdamState, type UpdateHyper } from '../model/train-state';
import type { ModelConfig } from '../model/config';
import { upload, readF32 } from '../gpu/buffers';
import { BufferOwner } from '../gpu/owned';
import { encode as encodePass, releaseDispatches, type Dispatch, type Gpu } from '../gpu/dispatch';
import { logprobForward, logprobBackward } from '../kernels/logprob';
import { policyLossForward, policyLossBackward, policyLossUniform, type PolicyLossHp } from '../kernels/policy_loss';
import { weightedSum } from '../kernels/weighted_sum';
import { zeroBuffer } from '../kernels/zero';
import type { PaddedBatch } from './rl-batch';

/** The optimiser settings of one update (TrainState's). */
export type OptimHyper = UpdateHyper;

/** Rows of the batch log-probs that storeLogprobs left on the GPU: this update's rows start at row0 (padded length T equal). */
export interface StoredRows {
  row0: number;
}

/** Per-token inputs of one policy-gradient update, each (rows*T) in padded-batch layout (rl-batch.ts). */
export interface PgInputs {
  adv: Float32Array; // advantages
  weight: Float32Array; // loss mask times aggregation scale (aggregation.ts)
  // Log-probs under the sampling policy: values, rows stored on the GPU, or null: the policy has not changed
  // since sampling (first update of a batch), so the update's own forward pass gives them (a GPU copy).
  logpOld: Float32Array | StoredRows | null;
  logpRef: Float32Array | StoredRows | null; // under the frozen reference (read only when beta > 0); null: same as logpOld
}

export interface PgReport {
  terms: Float32Array; // (N,4) [loss_t, kl_t, clippedLow_t, clippedHigh_t]
  entropy: Float32Array; // (N) policy entropy before this update
  gradNorm: number;
  // With `detail`: the log-probs the loss read (N each): the policy's before this update, the old and the reference
  logps?: { logp: Float32Array; logpOld: Float32Array; logpRef: Float32Array };
}

/** Recorded dispatches of one policy-gradient update on a batch shape, with its two policy-loss dispatches. */
interface PgDispatches {
  head: Dispatch[]; // zero gradients, forward, log-probs of the current policy
  tail: Dispatch[]; // policy loss forward/backward, log-prob backward, model backward
  loss: [Dispatch, Dispatch]; // forward, backward: their uniforms carry the hyper-parameters
}

const NOT_FINITE = () =>
  'the policy gradient is not finite (NaN or Inf): the update was skipped; lower the learning rate';

export class RlPolicy {
  readonly state: TrainState; // the trained model and its AdamW state
  readonly refParams: GPUBuffer; // (P) frozen start model
  readonly maxN: number;
  readonly bufs: Record<
    | 'logp'
    | 'entropy'
    | 'logpOld'
    | 'logpRef'
    | 'batchOld'
    | 'batchRef'
    | 'adv'
    | 'weight'
    | 'dlogp'
    | 'dentropy'
    | 'loss',
    GPUBuffer
  >;
  readonly terms: GPUBuffer; // (maxN,4)
  private readonly owned: BufferOwner;
  private cache = new Map<string, Dispatch[]>();
  private pgCache = new Map<string, PgDispatches>();

  /**
   * `resume` continues a saved RL run: its AdamW state and its frozen reference (else the start params).
   * `maxT`: the longest padded length the run builds (capped at the context length, the default). The buffers
   * hold maxRows x maxT positions and attention maps of maxT x maxT, so a bound below the context
   * saves most of the memory (the demo's arms: ~1 GB each at 512 positions).
   */
  constructor(
    readonly gpu: Gpu,
    readonly config: ModelConfig,
    params: Float32Array,
    readonly maxRows: number,
    resume?: { ref: Float32Array; adam: AdamState },
    maxT = config.contextLength,
  ) {
    const T = Math.min(maxT, config.contextLength);
    this.owned = new BufferOwner(gpu.device, 'rl.');
    this.state = new TrainState(gpu, config, maxRows, T, params, resume?.adam);
    this.maxN = maxRows * T;
    const own = this.owned;
    try {
      this.refParams = own.storage('refParams', this.model.layout.total, resume?.ref ?? params);
      const mk = (name: string, n = this.maxN) => own.storage(name, n);
      this.bufs = {
        logp: mk('logp'),
        entropy: mk('entropy'),
        logpOld: mk('logpOld'),
        logpRef: mk('logpRef'),
        batchOld: mk('batchOld'),
        batchRef: mk('batchRef'),
        adv: mk('adv'),
        weight: mk('weight'),
        dlogp: mk('dlogp'),
        dentropy: mk('dentropy'),
        loss: mk('loss', 1),
      };
      this.terms = mk('terms', this.maxN * 4);
    } catch (e) {
      this.state.destroy(); // the owner has freed its own buffers
      throw e;
    }
  }

  get model(): GpuModel {
    return this.state.model;
  }

  get optim(): GpuAdamW {
    return this.state.optim;
  }

  private cached(key: string, build: () => Dispatch[]): Dispatch[] {
    let d = this.cache.get(key);
    if (!d) this.cache.set(key, (d = build()));
    return d;
  }

  /** Uploads a (rows, T) padded batch of tokens and targets into the model's input buffers. */
  private load({ tokens, targets }: PaddedBatch): void {
    if (tokens.length !== targets.length || tokens.length > this.maxN) {
      throw new Error(
        `policy batch: ${tokens.length} tokens and ${targets.length} targets for at most ${this.maxN} positions`,
      );
    }
    upload(this.gpu.device, this.model.tokens, tokens);
    upload(this.gpu.device, this.model.targets, targets);
  }

  /** Forward and log-prob dispatches of the loaded batch under the policy or the frozen reference (into bufs.logp). */
  private logprobDispatches(rows: number, T: number, which: 'policy' | 'ref'): Dispatch[] {
    return this.cached(`lp:${which}:${rows}x${T}`, () => [
      ...this.model.forward(rows, T, which === 'ref' ? this.refParams : this.model.params),
      logprobForward(
        this.gpu,
        this.bufs.logp,
        this.bufs.entropy,
        this.model.acts.logits,
        this.model.targets,
        rows * T,
        this.config.vocabSize,
      ),
    ]);
  }

  private submitLogprobs(
    rows: number,
    T: number,
    which: 'policy' | 'ref',
    after?: (enc: GPUCommandEncoder) => void,
  ): void {
    const dev = this.gpu.device;
    const enc = dev.createCommandEncoder({ label: `logprobs-${which}` });
    const pass = enc.beginComputePass({ label: `logprobs-${which}` });
    encodePass(pass, this.logprobDispatches(rows, T, which));
    pass.end();
    after?.(enc);
    dev.queue.submit([enc.finish()]);
  }

  /**
   * Per-token log-probabilities (rows*T) of the batch's targets under the policy or the frozen
   * reference: one forward pass, one readback (once per batch, never per token).
   */
  async logprobs(batch: PaddedBatch, which: 'policy' | 'ref'): Promise<Float32Array> {
    const { S: rows, T } = batch;
    this.load(batch);
    this.logprobDispatches(rows, T, which);
    await this.gpu.pipelines.ready();
    this.submitLogprobs(rows, T, which);
    return readF32(this.gpu.device, this.bufs.logp, rows * T);
  }

  /**
   * The same log-probs of a whole batch, kept on the GPU (batchOld for the policy, batchRef for
   * the reference) for the updates to take their rows from (StoredRows). Resolves once submitted, not
   * when the GPU has finished (the update's submit queues behind it).
   */
  async storeLogprobs(batch: PaddedBatch, which: 'policy' | 'ref'): Promise<void> {
    const { S: rows, T } = batch;
    this.load(batch);
    this.logprobDispatches(rows, T, which);
    await this.gpu.pipelines.ready();
    const dst = which === 'ref' ? this.bufs.batchRef : this.bufs.batchOld;
    this.submitLogprobs(rows, T, which, (enc) => enc.copyBufferToBuffer(this.bufs.logp, 0, dst, 0, rows * T * 4));
  }

  /** The recorded dispatches of a policy-gradient update on a rows x T batch, with hp written into its loss uniforms. */
  private pgDispatches(rows: number, T: number, hp: PolicyLossHp): PgDispatches {
    const N = rows * T,
      V = this.config.vocabSize,
      g = this.gpu,
      b = this.bufs,
      m = this.model;
    const key = `${rows}x${T}`;
    let d = this.pgCache.get(key);
    if (!d) {
      const loss: [Dispatch, Dispatch] = [
        policyLossForward(g, this.terms, b.logp, b.logpOld, b.logpRef, b.adv, b.weight, b.entropy, N, hp),
        policyLossBackward(g, b.dlogp, b.dentropy, b.logp, b.logpOld, b.logpRef, b.adv, b.weight, N, hp),
      ];
      const head = [
        ...m.zeroGrads(rows, T),
        zeroBuffer(g, b.dlogp, N),
        zeroBuffer(g, b.dentropy, N),
        ...m.forward(rows, T),
        logprobForward(g, b.logp, b.entropy, m.acts.logits, m.targets, N, V),
      ];
      const tail = [
        ...loss,
        logprobBackward(g, m.dacts.logits, m.acts.logits, m.targets, b.dlogp, b.dentropy, N, V),
        ...m.backward(rows, T),
      ];
      this.pgCache.set(key, (d = { head, tail, loss }));
    }
    const hpBytes = policyLossUniform(N, hp);
    for (const ld of d.loss) upload(g.device, ld.uniform as GPUBuffer, hpBytes);
    return d;
  }

  /** Every dispatch of one RL update on `batch` in order (reference log-probs, gradient, AdamW), for the kernel profile. */
  updateDispatches(batch: PaddedBatch, hp: PolicyLossHp): Dispatch[] {
    const { S: rows, T } = batch;
    this.load(batch);
    const d = this.pgDispatches(rows, T, hp);
    return [...this.logprobDispatches(rows, T, 'ref'), ...d.head, ...d.tail, ...this.optim.dispatches];
  }

  /** One clipped policy-gradient update on a (rows x T) batch; `detail` also reads back the log-probs its loss read. */
  async pgUpdate(batch: PaddedBatch, x: PgInputs, hp: PolicyLossHp, o: OptimHyper, detail = false): Promise<PgReport> {
    const { S: rows, T } = batch;
    this.load(batch);
    const N = rows * T,
      g = this.gpu,
      b = this.bufs;
    for (const [k, a] of Object.entries(x)) {
      if (a instanceof Float32Array && a.length !== N)
        throw new Error(`pgUpdate: ${k} has ${a.length} values for a ${rows}x${T} batch`);
      if (
        a &&
        !(a instanceof Float32Array) &&
        (!Number.isInteger(a.row0) || a.row0 < 0 || (a.row0 + rows) * T > this.maxN)
      ) {
        throw new Error(`pgUpdate: ${k} rows ${a.row0}..${a.row0 + rows} of T=${T} lie outside the stored batch`);
      }
    }
    upload(g.device, b.adv, x.adv);
    upload(g.device, b.weight, x.weight);
    // Where each log-prob input comes from: uploaded values, or a GPU copy [from, byte offset] made between the passes.
    const copies: [GPUBuffer, number, GPUBuffer][] = [];
    const source = (v: Float32Array | StoredRows, stored: GPUBuffer, to: GPUBuffer) => {
      if (v instanceof Float32Array) upload(g.device, to, v);
      else copies.push([stored, v.row0 * T * 4, to]);
    };
    if (x.logpOld) source(x.logpOld, b.batchOld, b.logpOld);
    else copies.push([b.logp, 0, b.logpOld]); // the current log-probs, computed by `head`
    const ref = x.logpRef ?? x.logpOld;
    if (x.logpRef) source(x.logpRef, b.batchRef, b.logpRef);
    else if (ref) source(ref, b.batchOld, b.logpRef);
    else copies.push([b.logp, 0, b.logpRef]);
    const d = this.pgDispatches(rows, T, hp);
    const [normSq] = await this.state.update([d.head, d.tail], o, [], (enc) => {
      for (const [from, off, to] of copies) enc.copyBufferToBuffer(from, off, to, 0, N * 4);
    });
    const gradNorm = this.state.checkedNorm(normSq, NOT_FINITE);
    const [terms, entropy] = await Promise.all([readF32(g.device, this.terms, N * 4), readF32(g.device, b.entropy, N)]);
    if (!detail) return { terms, entropy, gradNorm };
    const [logp, logpOld, logpRef] = await Promise.all(
      [b.logp, b.logpOld, b.logpRef].map((buf) => readF32(g.device, buf, N)),
    );
    return { terms, entropy, gradNorm, logps: { logp, logpOld, logpRef } };
  }

  /** One SFT update on a (rows x T) batch: masked next-token loss, weight (rows*T) = mask / count per token. */
  async sftUpdate(
    batch: PaddedBatch,
    weight: Float32Array,
    o: OptimHyper,
  ): Promise<{ loss: number; gradNorm: number }> {
    const { S: rows, T } = batch;
    this.load(batch);
    const N = rows * T,
      g = this.gpu,
      m = this.model;
    if (weight.length !== N) throw new Error(`sftUpdate: ${weight.length} weights for a ${rows}x${T} batch`);
    upload(g.device, m.weights, weight);
    const d = this.cached(`sft:${rows}x${T}`, () => [
      ...m.zeroGrads(rows, T),
      ...m.forward(rows, T),
      ...m.loss(rows, T),
      ...weightedSum(g, this.bufs.loss, m.acts.losses, m.weights, N),
      ...m.lossBackward(rows, T),
      ...m.backward(rows, T),
    ]);
    const [normSq, loss] = await this.state.update([d], o, [this.bufs.loss]);
    return { loss, gradNorm: this.state.checkedNorm(normSq, NOT_FINITE) };
  }

  /** The current parameters (for checkpoints). */
  params(): Promise<Float32Array> {
    return readF32(this.gpu.device, this.model.params, this.model.layout.total);
  }

  /** Everything a resumed run needs besides the parameters: the frozen reference and AdamW's state. */
  async resumeState(): Promise<{ ref: Float32Array; adam: AdamState }> {
    const dev = this.gpu.device,
      P = this.model.layout.total;
    const [ref, m, v] = await Promise.all([
      readF32(dev, this.refParams, P),
      readF32(dev, this.optim.m, P),
      readF32(dev, this.optim.v, P),
    ]);
    return { ref, adam: { m, v, step: this.optim.step } };
  }

  destroy(): void {
    for (const d of this.cache.values()) releaseDispatches(d);
    for (const d of this.pgCache.values()) releaseDispatches([...d.head, ...d.tail]);
    this.cache.clear();
    this.pgCache.clear();
    this.state.destroy();
    this.owned.destroyAll();
  }
}
