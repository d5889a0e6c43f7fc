// Whole-model check, GPU against the CPU reference (as llm.c's test_gpt2): logits, loss and every
// parameter gradient at step 0, then the loss over 10 AdamW steps. Activation-gradient buffers that
// zeroGrads skips (scratch, and tensors without a gradient) start as NaN: backward must never read them.
// Activations too large for the device are refused by name.
import { describe, it, expect } from 'vitest';
import { CpuModel } from '../../src/model/cpu-model';
import { GpuModel } from '../../src/model/gpu-model';
import { GpuAdamW } from '../../src/model/optimizer';
import { decayMask, view } from '../../src/model/params';
import { listActs, accumulatedGrads } from '../../src/model/activations';
import type { ModelConfig } from '../../src/model/config';
import { adamw as adamwRef } from '../../src/ref/adamw';
import { gradNormSquared as gradNormRef, CHUNK } from '../../src/ref/gradnorm';
import { weightedSum } from '../../src/kernels/weighted_sum';
import { storageBuffer, upload } from '../../src/gpu/buffers';
import { mulberry32, randomInts } from '../../src/util/rng';
import { testGpu, run, fromGpu } from '../helpers/gpu';
import { assertClose } from '../helpers/compare';

// Awkward sizes on purpose: C and V not multiples of any tile, T odd, two layers.
const CONFIG: ModelConfig = { vocabSize: 37, contextLength: 16, dModel: 24, nLayers: 2, nHeads: 3, mlpWidth: 52 };
const B = 2,
  T = 11;

function batch(seed: number) {
  const rng = mulberry32(seed);
  const tokens = randomInts(rng, B * T, 0, CONFIG.vocabSize - 1);
  const targets = randomInts(rng, B * T, 0, CONFIG.vocabSize - 1);
  targets[3] = -1; // an ignored position
  const weights = new Float32Array(B * T).map((_, i) => (targets[i] < 0 ? 0 : 1 / (B * T - 1)));
  return { tokens, targets, weights };
}

describe('whole model, GPU vs CPU', () => {
  it('logits, loss and every parameter gradient at step 0; loss over 10 AdamW steps', async () => {
    const g = await testGpu();
    const cpu = new CpuModel(CONFIG, B, T, 5);
    const gm = new GpuModel(g, CONFIG, B, T);
    upload(g.device, gm.params, cpu.params);
    const opt = new GpuAdamW(g, gm.layout, gm.params, gm.grads);
    const lossOut = storageBuffer(g.device, 'loss', 1);
    const zeroed = new Set(accumulatedGrads(gm.dacts, CONFIG, B, T).map(([buf]) => buf));
    const skipped = listActs(gm.dacts, CONFIG, B, T).filter(([, buf]) => !zeroed.has(buf));
    expect(skipped.map(([name]) => name).sort()).toEqual([
      'h0.att',
      'h0.ln1Mean',
      'h0.ln1Rstd',
      'h0.ln2Mean',
      'h0.ln2Rstd',
      'h1.att',
      'h1.ln1Mean',
      'h1.ln1Rstd',
      'h1.ln2Mean',
      'h1.ln2Rstd',
      'lnfMean',
      'lnfRstd',
      'losses',
    ]);
    for (const [, buf, n] of skipped) upload(g.device, buf, new Float32Array(n).fill(NaN));
    const step = [
      ...gm.zeroGrads(B, T),
      ...gm.forward(B, T),
      ...gm.loss(B, T),
      ...weightedSum(g, lossOut, gm.acts.losses, gm.weights, B * T),
      ...gm.lossBackward(B, T),
      ...gm.backward(B, T),
    ];
    const P = gm.layout.total;
    const m = new Float32Array(P),
      v = new Float32Array(P),
      mask = decayMask(gm.layout);
    const cpuLosses: number[] = [],
      gpuLosses: number[] = [];
    for (let s = 0; s < 10; s++) {
      const { tokens, targets, weights } = batch(100); // one fixed batch (as llm.c), so the loss must fall
      upload(g.device, gm.tokens, tokens);
      upload(g.device, gm.targets, targets);
      upload(g.device, gm.weights, weights);
      const hyper = { lr: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, maxGradNorm: 1.0 };
      opt.prepare(hyper);
      await run(g, [...step, ...opt.dispatches]);
      const cpuLogits = cpu.forward(tokens);
      cpuLosses.push(cpu.loss(targets, weights));
      gpuLosses.push((await fromGpu(g, lossOut, 1))[0]);
      if (s === 0) {
        assertClose('logits', await fromGpu(g, gm.acts.logits, B * T * CONFIG.vocabSize), cpuLogits, 1e-4, 1e-3);
        expect(Math.abs(gpuLosses[0] - cpuLosses[0])).toBeLessThan(1e-4);
      }
      cpu.backward(tokens, targets, weights);
      if (s === 0) {
        const gGrads = await fromGpu(g, gm.grads, P);
        for (const t of gm.layout.tensors)
          assertClose(`grad ${t.name}`, view(gGrads, t), view(cpu.grads, t), 2e-5, 2e-3);
      }
      const normSq = new Float32Array(1);
      gradNormRef(normSq, new Float32Array(Math.ceil(P / CHUNK)), cpu.grads, P);
      adamwRef(cpu.params, m, v, cpu.grads, mask, normSq, P, { ...hyper, step: s + 1 });
    }
    assertClose('loss over 10 steps', gpuLosses, cpuLosses, 1e-4, 1e-3);
    expect(cpuLosses[9]).toBeLessThan(cpuLosses[0]); // it learns
    // Adam divides by sqrt(v): where a gradient is ~0, float32 noise in its sign moves a weight by up to ~lr*1e-2,
    // so parameters get an absolute tolerance of that size; the losses above are the tight check.
    assertClose('params after 10 steps', await fromGpu(g, gm.params, P), cpu.params, 3e-4, 1e-3);
  });

  it('refuses activations too large for the device with a message naming the buffer', async () => {
    const g = await testGpu();
    // (B,NH,T,T) attention probabilities of 1 x 64 x 1024 x 1024 floats: 256 MiB, over WebGPU's 128 MiB default binding
    const big: ModelConfig = { vocabSize: 37, contextLength: 1024, dModel: 64, nLayers: 1, nHeads: 64, mlpWidth: 64 };
    expect(() => new GpuModel(g, big, 1, 1024)).toThrow(
      /buffer act\.h0\.att needs 256\.0 MiB, more than this device can bind/,
    );
    expect(() => new GpuModel(g, CONFIG, 2, CONFIG.contextLength + 1)).toThrow(/context length/);
  });
});
