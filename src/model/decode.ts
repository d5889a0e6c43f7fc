// KV-cache decoding of the tiny GPT on the GPU: one position for S sequences per step, in lockstep.
// The position t is a GPU counter (1) u32, so a step is a fixed dispatch list that can be encoded
// many times into one command buffer; whoever encodes steps advances the counter between them.
// Not a sampler (src/kernels/sample.ts) and not rollout bookkeeping (src/model/sampling.ts).

import type { GpuModel } from './gpu-model';
import { bind, type TensorSpec } from './params';
import { encoderAt, attentionDecodeKv } from '../kernels/kv_decode';
import { counterIncrement } from '../kernels/rollout_advance';
import { layernormForward } from '../kernels/layernorm';
import { matmulForward, matmulGelu, matmulResidual, matmulTransBForward } from '../kernels/matmul';
import { upload } from '../gpu/buffers';
import { BufferOwner } from '../gpu/owned';
import { releaseDispatches, type Dispatch, type Gpu } from '../gpu/dispatch';

export class GpuDecoder {
  readonly seqs: GPUBuffer; // (S,Tmax) i32 token ids; the step reads column t
  readonly counter: GPUBuffer; // (1) u32 the current position t
  readonly logits: GPUBuffer; // (S,V) next-token logits of position t
  readonly kcache: GPUBuffer[]; // per layer (S,Tmax,C)
  readonly vcache: GPUBuffer[]; // per layer (S,Tmax,C)
  /** One decode step at position counter[0]: embeds column t of seqs, extends the caches, writes logits. */
  readonly step: Dispatch[];
  /** counter[0] += 1: encode after a step when nothing else advances the position. */
  readonly increment: Dispatch;
  private readonly buffers: BufferOwner; // every buffer above and the activations; all freed on a failure

  constructor(
    readonly gpu: Gpu,
    readonly model: GpuModel,
    readonly S: number,
    readonly Tmax: number,
  ) {
    const c = model.config;
    if (!Number.isInteger(S) || S < 1) throw new Error(`decoder: S must be a positive integer, got ${S}`);
    if (!Number.isInteger(Tmax) || Tmax < 1 || Tmax > c.contextLength) {
      throw new Error(`decoder: Tmax ${Tmax} must lie in [1, ${c.contextLength}] (the model's context length)`);
    }
    const C = c.dModel,
      F = c.mlpWidth,
      V = c.vocabSize,
      NH = c.nHeads;
    this.buffers = new BufferOwner(gpu.device, 'decode.');
    const mk = (label: string, n: number) => this.buffers.storage(label, n);
    this.seqs = mk('seqs', S * Tmax);
    this.counter = mk('counter', 1);
    this.logits = mk('logits', S * V);
    this.kcache = Array.from({ length: c.nLayers }, (_, l) => mk(`h${l}.k`, S * Tmax * C));
    this.vcache = Array.from({ length: c.nLayers }, (_, l) => mk(`h${l}.v`, S * Tmax * C));
    // Activations of one position, shared by the layers (no backward needs them kept). The residual
    // stream x is updated in place: the attention and MLP output layers add into it (matmul with
    // accumulate and bias), so a layer is 7 dispatches: ln1, qkv, cache append + attention, proj += ,
    // ln2, fc + GELU, fcproj +=.
    const x = mk('x', S * C); // (S,C) residual stream
    const ln = mk('ln', S * C),
      mean = mk('mean', S),
      rstd = mk('rstd', S); // (S,C), (S), (S)
    const qkv = mk('qkv', S * 3 * C),
      atty = mk('atty', S * C); // (S,3C), (S,C)
    const fchGelu = mk('fchGelu', S * F); // (S,F)

    const L = model.layout;
    const p = (t: TensorSpec) => bind(model.params, t);
    const g = gpu;
    // A dispatch that cannot be built (e.g. a pipeline the device refuses) frees the buffers too.
    this.step = this.buffers.guard(() => {
      const d: Dispatch[] = [encoderAt(g, x, this.seqs, this.counter, p(L.wte), p(L.wpe), S, C, Tmax)];
      for (let l = 0; l < c.nLayers; l++) {
        const w = L.layers[l];
        d.push(
          layernormForward(g, ln, mean, rstd, x, p(w.ln1w), p(w.ln1b), S, C),
          matmulForward(g, qkv, ln, p(w.qkvw), p(w.qkvb), S, C, 3 * C),
          attentionDecodeKv(g, atty, this.kcache[l], this.vcache[l], qkv, this.counter, S, C, NH, Tmax),
          matmulResidual(g, x, atty, p(w.attprojw), p(w.attprojb), S, C, C),
          layernormForward(g, ln, mean, rstd, x, p(w.ln2w), p(w.ln2b), S, C),
          matmulGelu(g, fchGelu, ln, p(w.fcw), p(w.fcb), S, C, F),
          matmulResidual(g, x, fchGelu, p(w.fcprojw), p(w.fcprojb), S, F, C),
        );
      }
      d.push(
        layernormForward(g, ln, mean, rstd, x, p(L.lnfw), p(L.lnfb), S, C),
        matmulTransBForward(g, this.logits, ln, p(L.wte), S, C, V), // tied output layer
      );
      return d;
    });
    this.increment = this.buffers.guard(() => counterIncrement(g, this.counter));
  }

  /** Uploads token ids (S,Tmax) into seqs. */
  setTokens(seqs: Int32Array): void {
    if (seqs.length !== this.S * this.Tmax)
      throw new Error(`decoder: expected ${this.S}x${this.Tmax} tokens, got ${seqs.length}`);
    upload(this.gpu.device, this.seqs, seqs);
  }

  /** Sets the position the next step decodes (caches at positions < t must hold this sequence's keys). */
  setPosition(t: number): void {
    upload(this.gpu.device, this.counter, new Uint32Array([t]));
  }

  destroy(): void {
    releaseDispatches([...this.step, this.increment]);
    this.buffers.destroyAll();
  }
}
