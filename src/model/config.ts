// Model configuration of the tiny decoder-only transformer (GPT-2 style, LayerNorm, GELU MLP,
// learned positions, output layer tied to the token embedding). Defaults give ~117K parameters:
// big enough to learn the arithmetic formats, small enough to train on a CPU WebGPU adapter.

import { VOCAB_SIZE } from './tokenizer';
import { fieldChecks } from '../util/validate';

export interface ModelConfig {
  vocabSize: number; // V: the fixed character vocabulary (tokenizer.ts), so checkpoints and tasks agree
  contextLength: number; // maxT: long enough for a 6-step worked chain plus its question
  dModel: number; // C: width of the residual stream
  nLayers: number; // L: depth; 2 layers already compose two lookups, enough for carry-style steps
  nHeads: number; // NH: heads per layer; HS = C / NH must be an integer
  mlpWidth: number; // width of the MLP hidden layer, 4*C as in GPT-2
}

export const DEFAULT_MODEL: ModelConfig = {
  vocabSize: VOCAB_SIZE,
  contextLength: 160,
  dModel: 64,
  nLayers: 2,
  nHeads: 4,
  mlpWidth: 256,
};

/** Named sizes offered in the CLI and the page. */
export const MODEL_PRESETS: Record<string, ModelConfig> = {
  tiny: { ...DEFAULT_MODEL, dModel: 32, nLayers: 1, nHeads: 2, mlpWidth: 128 },
  small: DEFAULT_MODEL,
  medium: { ...DEFAULT_MODEL, dModel: 128, nLayers: 4, nHeads: 4, mlpWidth: 512 },
  // The experiment's sizes: a 512-token context holds a hard problem with its human reference and the
  // longest worked solution (486 tokens), which the SFT baseline and the self-distillation teacher need.
  'tiny-512': { ...DEFAULT_MODEL, contextLength: 512, dModel: 32, nLayers: 1, nHeads: 2, mlpWidth: 128 },
  'small-512': { ...DEFAULT_MODEL, contextLength: 512 },
  // The story's start model: a third layer finds a column's digits by their index hints (a content
  // lookup that two layers did not learn in the scratch trials, see docs/experiment.md).
  'small3-512': { ...DEFAULT_MODEL, contextLength: 512, nLayers: 3 },
};

/** Refuses configurations the kernels cannot run, with a message naming the field. */
export function validateModelConfig(c: ModelConfig): void {
  const { int } = fieldChecks(c, 'model.');
  int('vocabSize', 3, 65536);
  int('contextLength', 2, 1024);
  int('dModel', 4, 1024);
  int('nLayers', 1, 48);
  int('nHeads', 1, 64);
  int('mlpWidth', 4, 8192);
  if (c.dModel % c.nHeads !== 0)
    throw new Error(`model.dModel (${c.dModel}) must be divisible by model.nHeads (${c.nHeads})`);
  if (c.dModel / c.nHeads > 128) throw new Error(`head size dModel/nHeads = ${c.dModel / c.nHeads} exceeds 128`);
}
