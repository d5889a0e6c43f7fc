// The types and defaults of the engine's pre-training (src/model/trainer.ts, the Pretrainer): its
// options, what a step returns, generation options. A small file apart, so that setups, forms and
// CLIs can name them without importing the trainer and the GPU code behind it.

import type { ModelConfig } from './config';

export interface PretrainOptions {
  model: ModelConfig;
  batchSize: number; // B: sequences per step
  seqLength: number; // T: tokens per training sequence (<= model.contextLength)
  steps: number; // total optimiser steps of the run (for the LR schedule)
  lr: number; // peak AdamW learning rate
  warmupSteps: number; // linear warm-up, then cosine decay to lr/10
  weightDecay: number;
  maxGradNorm: number; // global gradient-norm clip (<= 0 disables)
  seed: number; // initialisation and batch sampling
}

export const DEFAULT_PRETRAIN: Omit<PretrainOptions, 'model'> = {
  batchSize: 16,
  seqLength: 64,
  steps: 600,
  lr: 3e-3,
  warmupSteps: 30,
  weightDecay: 0.01,
  maxGradNorm: 1.0,
  seed: 1,
};

export interface StepResult {
  step: number; // 1-based index of the step just taken
  loss: number; // mean masked next-token loss of the batch (nats/token)
  gradNorm: number; // global gradient norm before clipping
  lr: number;
  tokens: number; // tokens in the batch
  ms: number; // wall time of the step
}

export interface GenerateOptions {
  maxNewTokens: number;
  temperature: number; // 0 = greedy
  seed: number;
}
