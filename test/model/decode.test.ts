// KV-cache decoding against the full forward pass: the decoder's logits at every position of every
// row equal GpuModel.forward's on the whole sequence. A tiny random model with awkward sizes and large
// weights (sharp attention), S = 3 rows of ragged content, every step encoded into ONE command buffer
// (the counter advances on the GPU), and a second sequence decoded over the first one's caches.
import { describe, it, expect } from 'vitest';
import { GpuModel } from '../../src/model/gpu-model';
import { GpuDecoder } from '../../src/model/decode';
import type { ModelConfig } from '../../src/model/config';
import { encode as encodePass } from '../../src/gpu/dispatch';
import { storageBuffer, upload, readF32, readU32 } from '../../src/gpu/buffers';
import { mulberry32, randomFloats, randomInts } from '../../src/util/rng';
import { testGpu, run, fromGpu } from '../helpers/gpu';
import { assertClose } from '../helpers/compare';

const CONFIG: ModelConfig = { vocabSize: 37, contextLength: 16, dModel: 24, nLayers: 2, nHeads: 3, mlpWidth: 52 };
const S = 3,
  T = 13,
  V = CONFIG.vocabSize,
  PAD = 0;

/** Rows of real lengths T, 5 and 1, padded: ragged content in the lockstep layout. */
function raggedTokens(seed: number): Int32Array {
  const rng = mulberry32(seed);
  const tokens = new Int32Array(S * T).fill(PAD);
  [T, 5, 1].forEach((len, s) => tokens.set(randomInts(rng, len, 1, V - 1), s * T));
  return tokens;
}

describe('KV-cache decoding', () => {
  it('gives the logits of the full forward pass at every position', async () => {
    const g = await testGpu();
    const model = new GpuModel(g, CONFIG, S, T);
    upload(g.device, model.params, randomFloats(mulberry32(3), model.layout.total, 0.5));
    const decoder = new GpuDecoder(g, model, S, T);
    const forward = model.forward(S, T);
    const collected = storageBuffer(g.device, 'decode-logits', T * S * V); // (T,S,V)
    for (const seed of [1, 2]) {
      const tokens = raggedTokens(seed);
      upload(g.device, model.tokens, tokens);
      await run(g, forward);
      const full = await fromGpu(g, model.acts.logits, S * T * V); // (S,T,V)

      decoder.setTokens(tokens); // Tmax = T, so (S,Tmax) is the same layout
      decoder.setPosition(0);
      const enc = g.device.createCommandEncoder({ label: 'decode-test' });
      for (let t = 0; t < T; t++) {
        const pass = enc.beginComputePass();
        encodePass(pass, [...decoder.step, decoder.increment]);
        pass.end();
        enc.copyBufferToBuffer(decoder.logits, 0, collected, t * S * V * 4, S * V * 4);
      }
      g.device.pushErrorScope('validation');
      g.device.queue.submit([enc.finish()]);
      const err = await g.device.popErrorScope();
      if (err) throw new Error(`WebGPU validation error: ${err.message}`);
      const steps = await readF32(g.device, collected, T * S * V);
      expect((await readU32(g.device, decoder.counter, 1))[0]).toBe(T);

      // Reorder the decoder's (T,S,V) into (S,T,V) and compare everything at once.
      const dec = new Float32Array(S * T * V);
      for (let t = 0; t < T; t++)
        for (let s = 0; s < S; s++) dec.set(steps.subarray((t * S + s) * V, (t * S + s + 1) * V), (s * T + t) * V);
      assertClose(`decode vs forward logits (tokens ${seed})`, dec, full, 1e-4, 1e-3);
      // Sharp enough to matter: logits spread well beyond the tolerance.
      let spread = 0;
      for (let i = 0; i < full.length; i++) spread = Math.max(spread, Math.abs(full[i]));
      expect(spread).toBeGreaterThan(1);
    }
    decoder.destroy();
    model.destroy();
  });

  it('refuses a cache longer than the context', async () => {
    const g = await testGpu();
    const model = new GpuModel(g, CONFIG, 1, 4);
    expect(() => new GpuDecoder(g, model, 1, CONFIG.contextLength + 1)).toThrow(/context length/);
    model.destroy();
  });
});
