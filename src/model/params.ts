// Parameter layout: every tensor of the model lives in ONE flat float32 buffer at a named offset.
// Offsets are aligned to 64 floats (256 bytes, WebGPU's minStorageBufferOffsetAlignment) so each
// tensor can be bound as a range of the flat buffer. Gradients, AdamW m and v share the layout.

import type { ModelConfig } from './config';
import { gaussian, mulberry32 } from '../util/rng';

export const ALIGN = 64; // floats

export interface TensorSpec {
  name: string; // e.g. "h0.qkv.w"
  shape: number[]; // row-major
  offset: number; // in floats, multiple of ALIGN
  size: number; // product of shape
  init: 'normal' | 'proj' | 'zeros' | 'ones'; // proj: normal scaled by 1/sqrt(2L) (GPT-2 residual projections)
  decay: boolean; // AdamW weight decay applies (matrices and embeddings, not biases or LayerNorm gains)
}

export interface LayerTensors {
  ln1w: TensorSpec;
  ln1b: TensorSpec;
  qkvw: TensorSpec;
  qkvb: TensorSpec;
  attprojw: TensorSpec;
  attprojb: TensorSpec;
  ln2w: TensorSpec;
  ln2b: TensorSpec;
  fcw: TensorSpec;
  fcb: TensorSpec;
  fcprojw: TensorSpec;
  fcprojb: TensorSpec;
}

export interface ParamLayout {
  tensors: TensorSpec[]; // in layout order
  wte: TensorSpec; // (V,C) token embedding, also the output layer (tied)
  wpe: TensorSpec; // (maxT,C) position embedding
  layers: LayerTensors[];
  lnfw: TensorSpec; // (C) final LayerNorm
  lnfb: TensorSpec; // (C)
  total: number; // floats in the flat buffer, padding included
  count: number; // real parameters, padding excluded
}

export function buildLayout(c: ModelConfig): ParamLayout {
  const tensors: TensorSpec[] = [];
  let offset = 0;
  const add = (name: string, shape: number[], init: TensorSpec['init'], decay: boolean): TensorSpec => {
    const size = shape.reduce((a, b) => a * b, 1);
    const t: TensorSpec = { name, shape, offset, size, init, decay };
    tensors.push(t);
    offset += Math.ceil(size / ALIGN) * ALIGN;
    return t;
  };
  const C = c.dModel,
    F = c.mlpWidth;
  const wte = add('wte', [c.vocabSize, C], 'normal', true);
  const wpe = add('wpe', [c.contextLength, C], 'normal', true);
  const layers: LayerTensors[] = [];
  for (let l = 0; l < c.nLayers; l++) {
    const p = `h${l}.`;
    layers.push({
      ln1w: add(p + 'ln1.w', [C], 'ones', false),
      ln1b: add(p + 'ln1.b', [C], 'zeros', false),
      qkvw: add(p + 'qkv.w', [C, 3 * C], 'normal', true),
      qkvb: add(p + 'qkv.b', [3 * C], 'zeros', false),
      attprojw: add(p + 'attproj.w', [C, C], 'proj', true),
      attprojb: add(p + 'attproj.b', [C], 'zeros', false),
      ln2w: add(p + 'ln2.w', [C], 'ones', false),
      ln2b: add(p + 'ln2.b', [C], 'zeros', false),
      fcw: add(p + 'fc.w', [C, F], 'normal', true),
      fcb: add(p + 'fc.b', [F], 'zeros', false),
      fcprojw: add(p + 'fcproj.w', [F, C], 'proj', true),
      fcprojb: add(p + 'fcproj.b', [C], 'zeros', false),
    });
  }
  const lnfw = add('lnf.w', [C], 'ones', false);
  const lnfb = add('lnf.b', [C], 'zeros', false);
  const count = tensors.reduce((a, t) => a + t.size, 0);
  return { tensors, wte, wpe, layers, lnfw, lnfb, total: offset, count };
}

/** Number of trainable parameters of a configuration (padding excluded). */
export function paramCount(c: ModelConfig): number {
  return buildLayout(c).count;
}

/** Deterministic GPT-2-style initialisation from a seed: N(0, 0.02), residual projections scaled by 1/sqrt(2L). */
export function initParams(c: ModelConfig, layout: ParamLayout, seed: number): Float32Array {
  const rng = mulberry32(seed);
  const out = new Float32Array(layout.total);
  const projStd = 0.02 / Math.sqrt(2 * c.nLayers);
  for (const t of layout.tensors) {
    for (let i = 0; i < t.size; i++) {
      const j = t.offset + i;
      if (t.init === 'ones') out[j] = 1;
      else if (t.init === 'normal') out[j] = 0.02 * gaussian(rng);
      else if (t.init === 'proj') out[j] = projStd * gaussian(rng);
    }
  }
  return out;
}

/** 1 for entries that AdamW decays, 0 otherwise (padding included as 0). */
export function decayMask(layout: ParamLayout): Float32Array {
  const m = new Float32Array(layout.total);
  for (const t of layout.tensors) if (t.decay) m.fill(1, t.offset, t.offset + t.size);
  return m;
}

/** A view of one tensor inside a flat CPU array. */
export function view(flat: Float32Array, t: TensorSpec): Float32Array {
  return flat.subarray(t.offset, t.offset + t.size);
}

/** A GPU binding of one tensor inside a flat GPU buffer. */
export function bind(buffer: GPUBuffer, t: TensorSpec): GPUBufferBinding {
  return { buffer, offset: t.offset * 4, size: t.size * 4 };
}
