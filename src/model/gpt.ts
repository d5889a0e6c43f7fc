// Forward and backward of the tiny GPT, written once against Ops<X>: the CPU reference model
// runs it with src/ref, the GPU model with src/kernels (which only records dispatches).
// Gradient rule: every backward op ACCUMULATES (+=) into its gradient outputs, for parameters and
// activations alike; callers zero all gradient tensors once before a backward pass.
// Shapes: B sequences of T tokens, BT = B*T, C = dModel, F = mlpWidth, V = vocabSize, NH heads.

import type { ModelConfig } from './config';
import type { ParamLayout, TensorSpec } from './params';
import type { Acts } from './activations';
import type { Ops } from './ops';

/** Maps a parameter tensor to a handle of the flat parameter (or gradient) storage. */
export type ParamRef<X> = (t: TensorSpec) => X;

/** tokens (B,T) -> acts.logits (BT,V); saves everything backward needs in acts. */
export function forwardToLogits<X>(
  ops: Ops<X>,
  c: ModelConfig,
  L: ParamLayout,
  p: ParamRef<X>,
  a: Acts<X>,
  tokens: X,
  B: number,
  T: number,
): void {
  const BT = B * T,
    C = c.dModel,
    F = c.mlpWidth;
  ops.encoderForward(a.encoded, tokens, p(L.wte), p(L.wpe), B, T, C);
  let x = a.encoded; // (BT,C) residual stream
  for (let l = 0; l < c.nLayers; l++) {
    const w = L.layers[l],
      s = a.layers[l];
    ops.layernormForward(s.ln1, s.ln1Mean, s.ln1Rstd, x, p(w.ln1w), p(w.ln1b), BT, C);
    ops.matmulForward(s.qkv, s.ln1, p(w.qkvw), p(w.qkvb), BT, C, 3 * C);
    ops.attentionForward(s.atty, s.att, s.qkv, B, T, C, c.nHeads);
    ops.matmulForward(s.attproj, s.atty, p(w.attprojw), p(w.attprojb), BT, C, C);
    ops.residualForward(s.res2, x, s.attproj, BT * C);
    ops.layernormForward(s.ln2, s.ln2Mean, s.ln2Rstd, s.res2, p(w.ln2w), p(w.ln2b), BT, C);
    ops.matmulForward(s.fch, s.ln2, p(w.fcw), p(w.fcb), BT, C, F);
    ops.geluForward(s.fchGelu, s.fch, BT * F);
    ops.matmulForward(s.fcproj, s.fchGelu, p(w.fcprojw), p(w.fcprojb), BT, F, C);
    ops.residualForward(s.res3, s.res2, s.fcproj, BT * C);
    x = s.res3;
  }
  ops.layernormForward(a.lnf, a.lnfMean, a.lnfRstd, x, p(L.lnfw), p(L.lnfb), BT, C);
  ops.matmulTransBForward(a.logits, a.lnf, p(L.wte), BT, C, c.vocabSize); // tied output layer
}

/** Given d.logits (BT,V), accumulates every parameter gradient into g and activation gradients into d. */
export function backwardFromLogits<X>(
  ops: Ops<X>,
  c: ModelConfig,
  L: ParamLayout,
  p: ParamRef<X>,
  g: ParamRef<X>,
  a: Acts<X>,
  d: Acts<X>,
  tokens: X,
  B: number,
  T: number,
): void {
  const BT = B * T,
    C = c.dModel,
    F = c.mlpWidth,
    NL = c.nLayers;
  const last = NL > 0 ? a.layers[NL - 1].res3 : a.encoded;
  const dlast = NL > 0 ? d.layers[NL - 1].res3 : d.encoded;
  ops.matmulTransBBackward(d.lnf, g(L.wte), d.logits, a.lnf, p(L.wte), BT, C, c.vocabSize);
  ops.layernormBackward(dlast, g(L.lnfw), g(L.lnfb), d.lnf, last, p(L.lnfw), a.lnfMean, a.lnfRstd, BT, C);
  for (let l = NL - 1; l >= 0; l--) {
    const w = L.layers[l],
      s = a.layers[l],
      ds = d.layers[l];
    const x = l === 0 ? a.encoded : a.layers[l - 1].res3;
    const dx = l === 0 ? d.encoded : d.layers[l - 1].res3;
    ops.residualBackward(ds.res2, ds.fcproj, ds.res3, BT * C);
    ops.matmulBackward(ds.fchGelu, g(w.fcprojw), g(w.fcprojb), ds.fcproj, s.fchGelu, p(w.fcprojw), BT, F, C);
    ops.geluBackward(ds.fch, s.fch, ds.fchGelu, BT * F);
    ops.matmulBackward(ds.ln2, g(w.fcw), g(w.fcb), ds.fch, s.ln2, p(w.fcw), BT, C, F);
    ops.layernormBackward(ds.res2, g(w.ln2w), g(w.ln2b), ds.ln2, s.res2, p(w.ln2w), s.ln2Mean, s.ln2Rstd, BT, C);
    ops.residualBackward(dx, ds.attproj, ds.res2, BT * C);
    ops.matmulBackward(ds.atty, g(w.attprojw), g(w.attprojb), ds.attproj, s.atty, p(w.attprojw), BT, C, C);
    ops.attentionBackward(ds.qkv, ds.att, ds.atty, s.qkv, s.att, B, T, C, c.nHeads);
    ops.matmulBackward(ds.ln1, g(w.qkvw), g(w.qkvb), ds.qkv, s.ln1, p(w.qkvw), BT, C, 3 * C);
    ops.layernormBackward(dx, g(w.ln1w), g(w.ln1b), ds.ln1, x, p(w.ln1w), s.ln1Mean, s.ln1Rstd, BT, C);
  }
  ops.encoderBackward(g(L.wte), g(L.wpe), d.encoded, tokens, B, T, C, c.vocabSize);
}

/** Next-token loss: per-token cross-entropy of a.logits (BT,V) against targets (BT) into a.losses (BT). */
export function crossEntropyLoss<X>(ops: Ops<X>, c: ModelConfig, a: Acts<X>, targets: X, B: number, T: number): void {
  ops.crossentropyForward(a.losses, a.logits, targets, B * T, c.vocabSize);
}

/** Its backward: d.logits (BT,V) += weights (BT) * (softmax(a.logits) - onehot(targets)). */
export function crossEntropyBackward<X>(
  ops: Ops<X>,
  c: ModelConfig,
  a: Acts<X>,
  d: Acts<X>,
  targets: X,
  weights: X,
  B: number,
  T: number,
): void {
  ops.crossentropyBackward(d.logits, a.logits, targets, weights, B * T, c.vocabSize);
}
