// Activation tensors of one forward pass (saved for backward) and their gradients, by name.
// Every tensor is its own buffer: WebGPU forbids binding one buffer as writable and read-only
// storage in the same dispatch, and backward kernels read one gradient while writing another.

import type { ModelConfig } from './config';

export interface LayerActs<X> {
  ln1: X;
  ln1Mean: X;
  ln1Rstd: X; // (BT,C) (BT) (BT)
  qkv: X; // (BT,3C)
  att: X; // (B,NH,T,T) softmax probabilities
  atty: X; // (BT,C) attention output before projection
  attproj: X; // (BT,C)
  res2: X; // (BT,C) x + attproj
  ln2: X;
  ln2Mean: X;
  ln2Rstd: X; // (BT,C) (BT) (BT)
  fch: X; // (BT,F)
  fchGelu: X; // (BT,F)
  fcproj: X; // (BT,C)
  res3: X; // (BT,C) res2 + fcproj: the layer output
}

export interface Acts<X> {
  encoded: X; // (BT,C)
  layers: LayerActs<X>[];
  lnf: X;
  lnfMean: X;
  lnfRstd: X; // (BT,C) (BT) (BT)
  logits: X; // (BT,V)
  losses: X; // (BT)
}

/** Element counts of every activation for batch B and length T. */
export function actSizes(c: ModelConfig, B: number, T: number) {
  const BT = B * T,
    C = c.dModel,
    F = c.mlpWidth;
  return {
    encoded: BT * C,
    layer: {
      ln1: BT * C,
      ln1Mean: BT,
      ln1Rstd: BT,
      qkv: BT * 3 * C,
      att: B * c.nHeads * T * T,
      atty: BT * C,
      attproj: BT * C,
      res2: BT * C,
      ln2: BT * C,
      ln2Mean: BT,
      ln2Rstd: BT,
      fch: BT * F,
      fchGelu: BT * F,
      fcproj: BT * C,
      res3: BT * C,
    } satisfies Record<keyof LayerActs<unknown>, number>,
    lnf: BT * C,
    lnfMean: BT,
    lnfRstd: BT,
    logits: BT * c.vocabSize,
    losses: BT,
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
    encoded: make('encoded', s.encoded),
    layers,
    lnf: make('lnf', s.lnf),
    lnfMean: make('lnfMean', s.lnfMean),
    lnfRstd: make('lnfRstd', s.lnfRstd),
    logits: make('logits', s.logits),
    losses: make('losses', s.losses),
  };
}

/**
 * Activations whose gradient tensor backward never accumulates into, so it needs no zeroing: the
 * statistics saved for backward (mean, rstd) and the per-token losses get no gradient at all, and
 * the gradient of `att` is scratch that attention backward overwrites in full before reading it.
 */
const NOT_ACCUMULATED = new Set(['ln1Mean', 'ln1Rstd', 'ln2Mean', 'ln2Rstd', 'att', 'lnfMean', 'lnfRstd', 'losses']);

/** All tensors of an Acts structure with their names (as makeActs gives them) and element counts. */
export function listActs<X>(a: Acts<X>, c: ModelConfig, B: number, T: number): [string, X, number][] {
  const s = actSizes(c, B, T);
  const out: [string, X, number][] = [
    ['encoded', a.encoded, s.encoded],
    ['lnf', a.lnf, s.lnf],
    ['lnfMean', a.lnfMean, s.lnfMean],
    ['lnfRstd', a.lnfRstd, s.lnfRstd],
    ['logits', a.logits, s.logits],
    ['losses', a.losses, s.losses],
  ];
  a.layers.forEach((la, l) => {
    for (const [k, n] of Object.entries(s.layer)) out.push([`h${l}.${k}`, la[k as keyof LayerActs<X>], n]);
  });
  return out;
}

/** The activation gradients (of a batch B x T) that backward accumulates into: zero these, once, before it. */
export function accumulatedGrads<X>(d: Acts<X>, c: ModelConfig, B: number, T: number): [X, number][] {
  return listActs(d, c, B, T)
    .filter(([name]) => !NOT_ACCUMULATED.has(name.replace(/^h\d+\./, '')))
    .map(([, x, n]) => [x, n]);
}
