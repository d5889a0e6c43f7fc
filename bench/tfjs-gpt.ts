// The same GPT written with TensorFlow.js ops, the whole-model peer of the bench: same config, same
// initial weights (taken from our flat parameter layout), same batch, same loss (mean next-token
// cross-entropy), gradients by tf.variableGrads, global-norm clipping and tfjs's Adam (beta 0.9,
// 0.95, eps 1e-8). What a tfjs user would write; it runs on tfjs-backend-webgpu on our device.
// Differences from ours, both small next to a step: tfjs's Adam has no decoupled weight decay, and
// the causal mask adds -1e9 before the softmax instead of skipping the masked scores.
// Node only (tfjs is a dev dependency); the tfjs API is typed loosely here so the page never needs it.

import type { ModelConfig } from '../src/model/config';
import type { ParamLayout, TensorSpec } from '../src/model/params';

/* eslint-disable @typescript-eslint/no-explicit-any */
type T = any; // a tf.Tensor
export type TfModule = any;

export interface TfGpt {
  /** One training step on (B,T) tokens and targets: returns the loss before the update. */
  step(lr: number): Promise<number>;
  /** The loss of the current weights on the batch, no update. */
  loss(): Promise<number>;
  dispose(): void;
}

/** Builds the model's variables from our flat parameters and fixes the batch (tokens, targets (B,T)). */
export function tfGpt(
  tf: TfModule,
  c: ModelConfig,
  layout: ParamLayout,
  params: Float32Array,
  tokens: Int32Array,
  targets: Int32Array,
  B: number,
  T: number,
  maxGradNorm: number,
): TfGpt {
  const C = c.dModel,
    NH = c.nHeads,
    HS = C / NH,
    V = c.vocabSize;
  const vars: T[] = [];
  const v = (t: TensorSpec): T => {
    const x = tf.variable(tf.tensor(params.slice(t.offset, t.offset + t.size), t.shape), true, t.name);
    vars.push(x);
    return x;
  };
  const wte = v(layout.wte),
    wpe = v(layout.wpe),
    lnfw = v(layout.lnfw),
    lnfb = v(layout.lnfb);
  const layers = layout.layers.map((l) => ({
    ln1w: v(l.ln1w),
    ln1b: v(l.ln1b),
    qkvw: v(l.qkvw),
    qkvb: v(l.qkvb),
    attprojw: v(l.attprojw),
    attprojb: v(l.attprojb),
    ln2w: v(l.ln2w),
    ln2b: v(l.ln2b),
    fcw: v(l.fcw),
    fcb: v(l.fcb),
    fcprojw: v(l.fcprojw),
    fcprojb: v(l.fcprojb),
  }));
  const tok = tf.tensor(tokens, [B, T], 'int32');
  const tgt = tf.oneHot(tf.tensor(targets, [B * T], 'int32'), V); // (B*T,V); a target of -1 gives a zero row
  const mask = tf.keep(tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9)); // (T,T) -1e9 above the diagonal
  const opt = tf.train.adam(1e-3, 0.9, 0.95, 1e-8);

  // Written with the kernels whose gradients tfjs-grads.ts registers (Sum, Mul, Sub, Rsqrt, Tanh, ...).
  const ln = (x: T, w: T, b: T): T => {
    const xc = tf.sub(x, tf.mul(tf.sum(x, -1, true), 1 / C));
    const variance = tf.mul(tf.sum(tf.mul(xc, xc), -1, true), 1 / C);
    return tf.add(tf.mul(tf.mul(xc, tf.rsqrt(tf.add(variance, 1e-5))), w), b);
  };
  const gelu = (x: T): T =>
    tf.mul(
      tf.mul(0.5, x),
      tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.mul(x, tf.mul(x, x))))))),
    );
  const heads = (x: T): T => tf.reshape(tf.transpose(tf.reshape(x, [B, T, NH, HS]), [0, 2, 1, 3]), [B * NH, T, HS]);

  const lossFn = (): T => {
    let x = tf.reshape(tf.add(tf.gather(wte, tok), tf.slice(wpe, [0, 0], [T, C])), [B * T, C]); // (B*T,C)
    for (const l of layers) {
      const qkv = tf.add(tf.matMul(ln(x, l.ln1w, l.ln1b), l.qkvw), l.qkvb); // (B*T,3C)
      const [q, k, vv] = tf.split(qkv, 3, 1);
      const att = tf.softmax(tf.add(tf.mul(tf.matMul(heads(q), heads(k), false, true), 1 / Math.sqrt(HS)), mask)); // (B*NH,T,T)
      const y = tf.reshape(tf.transpose(tf.reshape(tf.matMul(att, heads(vv)), [B, NH, T, HS]), [0, 2, 1, 3]), [
        B * T,
        C,
      ]);
      x = tf.add(x, tf.add(tf.matMul(y, l.attprojw), l.attprojb));
      const h = gelu(tf.add(tf.matMul(ln(x, l.ln2w, l.ln2b), l.fcw), l.fcb));
      x = tf.add(x, tf.add(tf.matMul(h, l.fcprojw), l.fcprojb));
    }
    const logits = tf.matMul(ln(x, lnfw, lnfb), wte, false, true); // (B*T,V), tied output layer
    return tf.mul(tf.sum(tf.mul(tgt, tf.logSoftmax(logits))), -1 / (B * T));
  };

  return {
    async step(lr: number): Promise<number> {
      opt.learningRate = lr;
      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(lossFn, vars);
        const names = Object.keys(grads);
        // A chain of adds, not tf.addN: tfjs's AddN binds every input at once, past the default limit of 8 buffers.
        const norm = tf.sqrt(names.map((n) => tf.sum(tf.square(grads[n]))).reduce((a: T, b: T) => tf.add(a, b)));
        const scale = tf.minimum(1, tf.div(maxGradNorm, tf.add(norm, 1e-6)));
        opt.applyGradients(Object.fromEntries(names.map((n) => [n, tf.mul(grads[n], scale)])));
        return value;
      });
      const out = (await loss.data())[0] as number;
      loss.dispose();
      return out;
    },
    async loss(): Promise<number> {
      const l = tf.tidy(lossFn);
      const out = (await l.data())[0] as number;
      l.dispose();
      return out;
    },
    dispose(): void {
      for (const x of [...vars, tok, tgt, mask]) x.dispose();
      opt.dispose();
    },
  };
}
