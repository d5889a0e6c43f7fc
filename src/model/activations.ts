// Activation tensors of one forward pass (saved for backward) and their gradients, by name.
// Every tensor is its own buffer: WebGPU forbids binding one buffer as writable and read-only
// storage in the same dispatch, and backward kernels read one gradient while writing another.

import type { ModelConfig } from './config';

export interface LayerActs<X> {
  ln1: X; ln1Mean: X; ln1Rstd: X; // (BT,C) (BT) (BT)
  qkv: X; // (BT,3C)
  att: X; // (B,NH,T,T) softmax probabilities
  atty: X; // (BT,C) attention output before projection
  attproj: X; // (BT,C)
  res2: X; // (BT,C) x + attproj
  ln2: X; ln2Mean: X; ln2Rstd: X; // (BT,C) (BT) (BT)
  fch: X; // (BT,F)
  fchGelu: X; // (BT,F)
  fcproj: X; // (BT,C)
  res3: X; // (BT,C) res2 + fcproj: the layer output
}

export interface Acts<X> {
  encoded: X; // (BT,C)
  layers: LayerActs<X>[];
  lnf: X; lnfMean: X; lnfRstd: X; // (BT,C) (BT) (BT)
  logits: X; // (BT,V)
  losses: X; // (BT)
}

/** Element counts of every activation for batch B and length T. */
export function actSizes(c: ModelConfig, B: number, T: number) {
  const BT = B * T, C = c.dModel, F = c.mlpWidth;
  return {
    encoded: BT * C,
    layer: {
      ln1: BT * C, ln1Mean: BT, ln1Rstd: BT, qkv: BT * 3 * C, att: B * c.nHeads * T * T, atty: BT * C, attproj: BT * C,
      res2: BT * C, ln2: BT * C, ln2Mean: BT, ln2Rstd: BT, fch: BT * F, fchGelu: BT * F, fcproj: BT * C, res3: BT * C,
    } satisfies Record<keyof LayerActs<unknown>, number>,
    lnf: BT * C, lnfMean: BT, lnfRstd: BT, logits: BT * c.vocabSize, losses: BT,
  };
}

/** Builds an Acts structure by calling `make(name, count)` for each tensor. */
export function makeActs<X>(c: ModelConfig, B: number, T: number, make: (name: string, count: number) => X): Acts<X> {
  const s = actSizes(c, B, T);
  const layers: LayerActs<X>[] = [];
  for (let l = 0; l < c.nLayers; l++) {
    const la = {} as LayerActs<X>;
    for (const [k, n] of Object.entries(s.layer)) la[k as keyof LayerActs<X>] = make(`h${l}.${k}`, n);
    layers.push(la);
  }
  return {
    encoded: make('encoded', s.encoded), layers,
    lnf: make('lnf', s.lnf), lnfMean: make('lnfMean', s.lnfMean), lnfRstd: make('lnfRstd', s.lnfRstd),
    logits: make('logits', s.logits), losses: make('losses', s.losses),
  };
}

/** All tensors of an Acts structure with their counts (for zeroing gradients). */
export function listActs<X>(a: Acts<X>, c: ModelConfig, B: number, T: number): [X, number][] {
  const s = actSizes(c, B, T);
  const out: [X, number][] = [[a.encoded, s.encoded], [a.lnf, s.lnf], [a.lnfMean, s.lnfMean], [a.lnfRstd, s.lnfRstd], [a.logits, s.logits], [a.losses, s.losses]];
  for (const la of a.layers) for (const [k, n] of Object.entries(s.layer)) out.push([la[k as keyof LayerActs<X>], n]);
  return out;
}
