// AdamW kernel against the CPU reference over several steps with a changing learning rate, clipping
// on and off, the norm computed on the GPU by the gradnorm kernel; a NaN or Inf norm skips the step.
import { describe, it, expect } from 'vitest';
import * as refAdamw from '../../src/ref/adamw';
import * as refNorm from '../../src/ref/gradnorm';
import { adamw, type AdamwHyper } from '../../src/kernels/adamw';
import { gradNormSquared, gradNormPartialsLength } from '../../src/kernels/gradnorm';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { testGpu, toGpu, fromGpu, run } from '../helpers/gpu';
import { assertClose } from '../helpers/compare';
import { checkOp, EXACT } from '../helpers/op-check';

const base: Omit<AdamwHyper, 'lr' | 'step' | 'maxGradNorm'> = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };

function mask(rng: () => number, N: number): Float32Array {
  const out = new Float32Array(N);
  for (let i = 0; i < N; i++) out[i] = rng() < 0.7 ? 1 : 0;
  return out;
}

describe('kernel adamw', () => {
  const clips: [string, number][] = [
    ['clipping active', 0.05],
    ['clipping disabled', 0],
    ['clipping above the norm', 1e6],
  ];
  for (const N of [1, 1000, 70000]) {
    for (const [label, maxGradNorm] of clips) {
      it(`5 steps, N=${N}, ${label}`, async () => {
        const g = await testGpu();
        const rng = mulberry32(N + Math.round(maxGradNorm * 100));
        const params = randomFloats(rng, N);
        const decay = mask(rng, N);
        const m = new Float32Array(N);
        const v = new Float32Array(N);
        const P = gradNormPartialsLength(N);
        const bParams = toGpu(g, params);
        const bM = toGpu(g, m);
        const bV = toGpu(g, v);
        const bGrads = toGpu(g, new Float32Array(N));
        const bDecay = toGpu(g, decay);
        const bNormSq = toGpu(g, new Float32Array(1));
        const bPartials = toGpu(g, new Float32Array(P));
        const norm = gradNormSquared(g, bNormSq, bPartials, bGrads, N);
        const k = adamw(g, bParams, bM, bV, bGrads, bDecay, bNormSq, N);
        for (let step = 1; step <= 5; step++) {
          // |g| in [0.1, 0.5): the norm stays above 0.05 even for N = 1, so 'active' always clips.
          const grads = randomFloats(rng, N).map((x) => Math.sign(x) * (0.1 + 0.4 * Math.abs(x)));
          const h: AdamwHyper = { ...base, lr: 1e-2 / step, step, maxGradNorm };
          const normSq = new Float32Array(1);
          refNorm.gradNormSquared(normSq, new Float32Array(P), grads, N);
          const clipped = refAdamw.clipScale(normSq[0], maxGradNorm) < 1;
          expect(clipped).toBe(maxGradNorm === 0.05); // the case really exercises (or avoids) clipping
          expect(refAdamw.adamw(params, m, v, grads, decay, normSq, N, h)).toBe(true);
          g.device.queue.writeBuffer(bGrads, 0, grads);
          k.setHyper(g.device, h);
          await run(g, [...norm, k.dispatch]);
          assertClose(`adamw m step ${step}`, await fromGpu(g, bM, N), m, 1e-6, 1e-4);
          assertClose(`adamw v step ${step}`, await fromGpu(g, bV, N), v, 1e-8, 1e-4);
          assertClose(`adamw params step ${step}`, await fromGpu(g, bParams, N), params, 1e-6, 1e-5);
        }
      });
    }
  }

  for (const bad of [NaN, Infinity]) {
    it(`a ${bad} gradient norm leaves params, m and v untouched`, async () => {
      const N = 300;
      const rng = mulberry32(99);
      const params = randomFloats(rng, N); // (N)
      const m = randomFloats(rng, N, 0.1); // (N)
      const v = randomFloats(rng, N, 0.1).map(Math.abs); // (N)
      const h: AdamwHyper = { ...base, lr: 1e-2, step: 3, maxGradNorm: 1 };
      const { want } = await checkOp({
        name: `adamw with a ${bad} norm`,
        inputs: { grads: randomFloats(rng, N), decay: mask(rng, N), normSq: Float32Array.of(bad) }, // (N), (N), (1)
        outputs: { params, m, v },
        ref: (a) => expect(refAdamw.adamw(a.params, a.m, a.v, a.grads, a.decay, a.normSq, N, h)).toBe(false),
        gpu: (g, b) => {
          const k = adamw(g, b.params, b.m, b.v, b.grads, b.decay, b.normSq, N);
          k.setHyper(g.device, h);
          return k.dispatch;
        },
        forwardTol: EXACT,
      });
      // the reference skipped the step too, so the GPU's untouched buffers are what it must give
      expect(want).toEqual({ params, m, v });
    });
  }

  it('does nothing before setHyper, and rejects invalid hyperparameters', async () => {
    const g = await testGpu();
    const N = 10;
    const params = randomFloats(mulberry32(4), N);
    const bParams = toGpu(g, params);
    const bM = toGpu(g, new Float32Array(N));
    const k = adamw(
      g,
      bParams,
      bM,
      toGpu(g, new Float32Array(N)),
      toGpu(g, new Float32Array(N).fill(1)),
      toGpu(g, new Float32Array(N).fill(1)),
      toGpu(g, new Float32Array([N])),
      N,
    );
    await run(g, k.dispatch);
    expect(Array.from(await fromGpu(g, bParams, N))).toEqual(Array.from(params));
    expect(Array.from(await fromGpu(g, bM, N))).toEqual(new Array(N).fill(0));
    expect(() => k.setHyper(g.device, { ...base, lr: 1e-3, step: 0, maxGradNorm: 1 })).toThrow(/step/);
    expect(() => k.setHyper(g.device, { ...base, beta2: 1, lr: 1e-3, step: 1, maxGradNorm: 1 })).toThrow(/beta2/);
    expect(() => k.setHyper(g.device, { ...base, lr: NaN, step: 1, maxGradNorm: 1 })).toThrow(/lr/);
  });
});
