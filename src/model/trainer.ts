// Pre-training of the tiny GPT on the GPU: one readable step (zero grads -> forward -> loss ->
// backward -> grad norm -> AdamW), all recorded once and encoded into one command buffer per step.
// The only GPU-to-CPU traffic of a step is the scalar loss and the squared gradient norm (8 bytes).

import { validateModelConfig } from './config';
import { fieldChecks } from '../util/validate';
import type { GpuModel } from './gpu-model';
import type { GpuAdamW } from './optimizer';
import { TrainState } from './train-state';
import { BatchSampler } from './batches';
import { learningRate } from './schedule';
import { buildLayout, initParams } from './params';
import { encodeCheckpoint, decodeCheckpoint } from './checkpoint';
import { generateText } from './generate';
import { GpuDecoder } from './decode';
import type { PretrainOptions, StepResult, GenerateOptions } from './trainer-api';
import { storageBuffer, upload, readF32 } from '../gpu/buffers';
import { releaseDispatches, type Dispatch, type Gpu } from '../gpu/dispatch';
import { weightedSum } from '../kernels/weighted_sum';

/** Rows of the generation decoder (previews use a handful of prompts); it grows for a larger call. */
const GENERATE_ROWS = 8;

export function validatePretrainOptions(o: PretrainOptions): void {
  validateModelConfig(o.model);
  const f = fieldChecks(o);
  f.int('batchSize', 1, 1024);
  f.int('seqLength', 2, o.model.contextLength);
  f.int('steps', 1, 10_000_000);
  f.int('warmupSteps', 0, 10_000_000);
  f.int('seed', 0, 2 ** 31 - 1);
  f.num('lr', 0, 1, '()');
  f.num('weightDecay', 0, 1, '[)');
  f.finite('maxGradNorm');
}

export class Pretrainer {
  private readonly sampler: BatchSampler;
  private readonly lossOut: GPUBuffer; // (1) mean loss of the last step
  private readonly stepDispatches: Dispatch[];
  private decoder: GpuDecoder | null = null; // KV-cache decoder for generate(), built on first use
  stepCount = 0;

  private constructor(
    readonly state: TrainState,
    readonly opts: PretrainOptions,
    corpus: string[],
  ) {
    this.sampler = new BatchSampler(corpus, opts.seed);
    const { batchSize: B, seqLength: T } = opts;
    const gpu = state.gpu,
      m = state.model;
    this.lossOut = storageBuffer(gpu.device, 'loss', 1);
    const lossSum = weightedSum(gpu, this.lossOut, m.acts.losses, m.weights, B * T);
    // The gradient of a step, top to bottom (TrainState.update appends the grad norm and AdamW):
    this.stepDispatches = [
      ...m.zeroGrads(B, T), // grads = 0, activation grads = 0
      ...m.forward(B, T), // tokens -> logits
      ...m.loss(B, T), // per-token cross-entropy
      ...lossSum, // scalar loss = sum(losses * weights)
      ...m.lossBackward(B, T), // dlogits = weights * (softmax - onehot)
      ...m.backward(B, T), // all parameter gradients
    ];
  }

  static async create(gpu: Gpu, opts: PretrainOptions, corpus: string[]): Promise<Pretrainer> {
    validatePretrainOptions(opts);
    const params = initParams(opts.model, buildLayout(opts.model), opts.seed);
    return new Pretrainer(new TrainState(gpu, opts.model, opts.batchSize, opts.seqLength, params), opts, corpus);
  }

  static async fromCheckpoint(
    gpu: Gpu,
    bytes: ArrayBuffer,
    opts: PretrainOptions,
    corpus: string[],
  ): Promise<Pretrainer> {
    const ck = decodeCheckpoint(bytes);
    const o = { ...opts, model: ck.header.config };
    validatePretrainOptions(o);
    const m = ck.sections['adam.m'],
      v = ck.sections['adam.v'];
    const adam = m && v ? { m, v, step: ck.header.optimizer?.step ?? ck.header.step } : undefined;
    const t = new Pretrainer(
      new TrainState(gpu, o.model, o.batchSize, o.seqLength, ck.sections['params'], adam),
      o,
      corpus,
    );
    t.stepCount = ck.header.step;
    // With the same seed, corpus and batch size, the resumed run draws the batches the saved one would have.
    t.sampler.fastForward(t.stepCount, o.batchSize);
    return t;
  }

  /** A fresh run (step 0, new optimiser state) that starts from the weights of a checkpoint: continued pre-training. */
  static async fromWeights(gpu: Gpu, bytes: ArrayBuffer, opts: PretrainOptions, corpus: string[]): Promise<Pretrainer> {
    const ck = decodeCheckpoint(bytes);
    const o = { ...opts, model: ck.header.config };
    validatePretrainOptions(o);
    return new Pretrainer(new TrainState(gpu, o.model, o.batchSize, o.seqLength, ck.sections['params']), o, corpus);
  }

  get gpu(): Gpu {
    return this.state.gpu;
  }

  get model(): GpuModel {
    return this.state.model;
  }

  get optim(): GpuAdamW {
    return this.state.optim;
  }

  get paramCount(): number {
    return this.model.paramCount;
  }

  get tokenStream(): Int32Array {
    return this.sampler.tokenStream;
  }

  /** One AdamW step on a fresh batch. Rejects (weights untouched) when the loss or gradient is not finite. */
  async step(): Promise<StepResult> {
    const t0 = performance.now();
    const { batchSize: B, seqLength: T } = this.opts;
    const dev = this.gpu.device;
    const batch = this.sampler.next(B, T);
    upload(dev, this.model.tokens, batch.tokens);
    upload(dev, this.model.targets, batch.targets);
    upload(dev, this.model.weights, batch.weights);
    const lr = learningRate(this.stepCount + 1, this.opts.lr, this.opts.warmupSteps, this.opts.steps);
    const [normSq, loss] = await this.state.update(
      [this.stepDispatches],
      { lr, weightDecay: this.opts.weightDecay, maxGradNorm: this.opts.maxGradNorm },
      [this.lossOut],
    );
    const gradNorm = this.state.checkedNorm(
      normSq,
      () =>
        `training diverged at step ${this.stepCount + 1}: loss ${loss}, gradient norm ${Math.sqrt(normSq)}; ` +
        'the update was skipped; lower the learning rate or resume from the last checkpoint',
      [loss],
    );
    this.stepCount += 1;
    return { step: this.stepCount, loss, gradNorm, lr, tokens: B * T, ms: performance.now() - t0 };
  }

  /** Continues each prompt with the current weights (KV-cache decoding up to the context length). */
  async generate(prompts: string[], o: GenerateOptions): Promise<string[]> {
    if (!this.decoder || this.decoder.S < prompts.length) {
      this.decoder?.destroy();
      this.decoder = new GpuDecoder(
        this.gpu,
        this.model,
        Math.max(GENERATE_ROWS, prompts.length),
        this.opts.model.contextLength,
      );
    }
    return generateText(this.gpu, this.decoder, prompts, o);
  }

  /** Weights and optimiser state in the checkpoint format of checkpoint.ts. */
  async saveCheckpoint(meta?: Record<string, unknown>): Promise<ArrayBuffer> {
    const dev = this.gpu.device;
    const P = this.model.layout.total;
    const [params, m, v] = await Promise.all([
      readF32(dev, this.model.params, P),
      readF32(dev, this.optim.m, P),
      readF32(dev, this.optim.v, P),
    ]);
    return encodeCheckpoint(this.opts.model, this.stepCount, { params, 'adam.m': m, 'adam.v': v }, meta);
  }

  destroy(): void {
    releaseDispatches(this.stepDispatches);
    this.decoder?.destroy();
    this.state.destroy();
    this.lossOut.destroy();
  }
}
