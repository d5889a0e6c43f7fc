// Gradients of the TensorFlow.js kernels the whole-model peer (tfjs-gpt.ts) differentiates. Under
// Node, tfjs-core's CommonJS build registers no gradients (only the @tensorflow/tfjs bundle imports
// register_all_gradients, and the ES module build cannot be loaded by Node), so the bench registers
// these, written from the standard derivatives, for exactly the kernels the peer uses. Checked end to
// end: the peer's losses after several updates track ours (model-bench.ts prints both).

/* eslint-disable @typescript-eslint/no-explicit-any */
type T = any;

export function registerPeerGradients(tf: any): void {
  const reduceTo = (dy: T, shape: number[]): T => {
    const axes: number[] = tf.backend_util.getReductionAxes(shape, dy.shape);
    return tf.reshape(axes.length > 0 ? tf.sum(dy, axes) : dy, shape);
  };
  const mm = (a: T, b: T, ta: boolean, tb: boolean): T => tf.matMul(a, b, ta, tb);
  const grads: Record<
    string,
    {
      inputsToSave?: string[];
      outputsToSave?: boolean[];
      gradFunc: (dy: any, saved: T[], attrs: any) => Record<string, () => T>;
    }
  > = {
    Add: {
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, [a, b]) => ({ a: () => reduceTo(dy, a.shape), b: () => reduceTo(dy, b.shape) }),
    },
    Sub: {
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, [a, b]) => ({ a: () => reduceTo(dy, a.shape), b: () => reduceTo(tf.neg(dy), b.shape) }),
    },
    Multiply: {
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, [a, b]) => ({
        a: () => reduceTo(tf.mul(dy, b), a.shape),
        b: () => reduceTo(tf.mul(dy, a), b.shape),
      }),
    },
    Cast: { gradFunc: (dy) => ({ x: () => tf.clone(dy) }) },
    Identity: { gradFunc: (dy) => ({ x: () => tf.clone(dy) }) },
    Reshape: { inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.reshape(dy, x.shape) }) },
    Transpose: {
      gradFunc: (dy, _s, { perm }) => {
        const inv = new Array(perm.length);
        perm.forEach((p: number, i: number) => (inv[p] = i));
        return { x: () => tf.transpose(dy, inv) };
      },
    },
    BatchMatMul: {
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, [a, b], { transposeA: ta, transposeB: tb }) => {
        if (!ta && !tb) return { a: () => mm(dy, b, false, true), b: () => mm(a, dy, true, false) };
        if (!ta && tb) return { a: () => mm(dy, b, false, false), b: () => mm(dy, a, true, false) };
        if (ta && !tb) return { a: () => mm(b, dy, false, true), b: () => mm(a, dy, false, false) };
        return { a: () => mm(b, dy, true, true), b: () => mm(dy, a, true, true) };
      },
    },
    Softmax: {
      outputsToSave: [true],
      gradFunc: (dy, [y], { dim }) => ({ logits: () => tf.mul(y, tf.sub(dy, tf.sum(tf.mul(dy, y), [dim], true))) }),
    },
    Sum: {
      inputsToSave: ['x'],
      gradFunc: (dy, [x], { axis }) => {
        const axes: number[] = tf.util.parseAxisParam(axis, x.shape);
        const kept = x.shape.map((d: number, i: number) => (axes.includes(i) ? 1 : d));
        return { x: () => tf.mul(tf.reshape(dy, kept), tf.onesLike(x)) };
      },
    },
    Rsqrt: {
      inputsToSave: ['x'],
      gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy, tf.mul(-0.5, tf.pow(tf.rsqrt(x), 3))) }),
    },
    Tanh: { outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy, tf.sub(1, tf.square(y))) }) },
    SplitV: { gradFunc: (dy, _s, { axis }) => ({ x: () => tf.concat(dy, axis) }) },
    Slice: {
      inputsToSave: ['x'],
      gradFunc: (dy, [x], { begin, size }) => {
        const b: number[] = typeof begin === 'number' ? [begin] : begin;
        const sz: number[] = (typeof size === 'number' ? [size] : size).map((s: number, i: number) =>
          s === -1 ? x.shape[i] - b[i] : s,
        );
        return {
          x: () =>
            tf.pad(
              dy,
              b.map((bi, i) => [bi, x.shape[i] - bi - sz[i]]),
            ),
        };
      },
    },
    GatherV2: {
      inputsToSave: ['x', 'indices'],
      gradFunc: (dy, [x, indices], { axis }) => {
        if (axis !== 0) throw new Error('peer gradients: GatherV2 only along axis 0');
        const n = indices.size,
          rows = x.shape[0],
          rest = x.shape.slice(1);
        const flat = tf.reshape(dy, [n, rest.reduce((p: number, q: number) => p * q, 1)]);
        return {
          x: () => tf.reshape(mm(tf.oneHot(tf.reshape(indices, [n]), rows), flat, true, false), x.shape),
          indices: () => tf.zerosLike(indices),
        };
      },
    },
  };
  for (const [kernelName, g] of Object.entries(grads)) {
    tf.registerGradient({
      kernelName,
      inputsToSave: g.inputsToSave,
      outputsToSave: g.outputsToSave,
      gradFunc: g.gradFunc,
    });
  }
}
