// Pre-training as a RunJob: one Pretrainer step per job step under the pretrain/* metric names, and
// previews of a few prompts completed greedily and by sampling (the page's live generations).

import { Pretrainer } from '../model/trainer';
import type { PretrainOptions } from '../model/trainer-api';
import type { Gpu } from '../gpu/dispatch';
import type { JobStep, RunJob } from './job';
import { SAMPLE_TEMPERATURE, type SamplesPreview } from './previews';

export interface PretrainJobOptions {
  opts: PretrainOptions;
  corpus: string[]; // the documents
  previewPrompts: string[]; // prompts of the live generations ([] for none)
  previewTokens: number; // new tokens per generation
  meta?: Record<string, unknown>; // provenance written into every checkpoint
}

export class PretrainJob implements RunJob {
  readonly kind = 'pretrain';

  private constructor(
    readonly trainer: Pretrainer,
    private readonly o: PretrainJobOptions,
  ) {}

  static async create(gpu: Gpu, o: PretrainJobOptions): Promise<PretrainJob> {
    return new PretrainJob(await Pretrainer.create(gpu, o.opts, o.corpus), o);
  }

  /** Continues from checkpoint bytes (weights, AdamW state and step; the same corpus and seed give the same batches). */
  static async resume(gpu: Gpu, bytes: ArrayBuffer, o: PretrainJobOptions): Promise<PretrainJob> {
    return new PretrainJob(await Pretrainer.fromCheckpoint(gpu, bytes, o.opts, o.corpus), o);
  }

  /** A fresh run from the weights of checkpoint bytes (its model; step 0 and a new optimiser). */
  static async fromWeights(gpu: Gpu, bytes: ArrayBuffer, o: PretrainJobOptions): Promise<PretrainJob> {
    return new PretrainJob(await Pretrainer.fromWeights(gpu, bytes, o.opts, o.corpus), o);
  }

  get total(): number {
    return this.o.opts.steps;
  }

  get stepCount(): number {
    return this.trainer.stepCount;
  }

  async step(): Promise<JobStep> {
    const r = await this.trainer.step();
    return {
      step: r.step,
      values: {
        'pretrain/loss': r.loss,
        'pretrain/grad_norm': r.gradNorm,
        'pretrain/lr': r.lr,
        'pretrain/tokens_per_s': (r.tokens * 1000) / Math.max(r.ms, 1e-3),
        'pretrain/ms_per_step': r.ms,
      },
    };
  }

  saveCheckpoint(): Promise<ArrayBuffer> {
    return this.trainer.saveCheckpoint(this.o.meta);
  }

  async preview(): Promise<SamplesPreview[]> {
    const prompts = this.o.previewPrompts;
    if (prompts.length === 0) return [];
    const step = this.trainer.stepCount;
    const g = { maxNewTokens: this.o.previewTokens, seed: step };
    const greedy = await this.trainer.generate(prompts, { ...g, temperature: 0 });
    const sampled = await this.trainer.generate(prompts, { ...g, temperature: SAMPLE_TEMPERATURE });
    const samples = prompts.map((prompt, i) => ({ prompt, greedy: greedy[i], sampled: sampled[i] }));
    return [{ kind: 'samples', step, data: { temperature: SAMPLE_TEMPERATURE, samples } }];
  }

  destroy(): void {
    this.trainer.destroy();
  }
}
