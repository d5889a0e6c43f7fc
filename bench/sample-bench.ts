// Rollout sampling throughput (generated tokens/s): KV-cache decoding (sampleRollouts) against full
// recompute, which runs model.forward on the whole (S, t+1) window at every step and samples the last
// row on the GPU with the same sampler and bookkeeping. Neither reads back per token; both stop at
// exactly newTokens (no EOS). Same seed and RNG, so `agree` checks that both picked the same tokens.

import { GpuModel } from '../src/model/gpu-model';
import { GpuDecoder } from '../src/model/decode';
import { MODEL_PRESETS } from '../src/model/config';
import { initParams } from '../src/model/params';
import { sampleRollouts, PAD_TOKEN, type RolloutOptions } from '../src/model/sampling';
import { sampleTokens } from '../src/kernels/sample';
import { rolloutAdvance } from '../src/kernels/rollout_advance';
import { encode, releaseDispatches, type Dispatch, type Gpu } from '../src/gpu/dispatch';
import { storageBuffer, upload, readI32, readU32 } from '../src/gpu/buffers';
import { BOS_ID } from '../src/model/tokenizer';

export interface SampleBenchRow {
  preset: string;
  params: number;
  S: number; // sequences sampled at once
  newTokens: number; // generated per sequence
  kvTokensPerSec: number;
  fullTokensPerSec: number;
  ratio: number; // kv / full
  agree: number; // fraction of generated tokens identical in both runs (float noise may flip a few)
}

/** Full recompute: per step, copy the (S, t+1) window into model.tokens, forward, sample the last rows. */
async function sampleFullRecompute(
  gpu: Gpu,
  model: GpuModel,
  S: number,
  Tmax: number,
  o: RolloutOptions,
  steps: number,
): Promise<{ seqs: Int32Array; ms: number }> {
  const dev = gpu.device,
    V = model.config.vocabSize;
  const forwards = Array.from({ length: steps }, (_, k) => model.forward(S, k + 1)); // built before the clock starts
  const t0 = performance.now();
  const seqsInit = new Int32Array(S * Tmax).fill(PAD_TOKEN);
  for (let s = 0; s < S; s++) seqsInit[s * Tmax] = BOS_ID;
  const ones = new Int32Array(S).fill(1);
  const own: GPUBuffer[] = [];
  const mk = (label: string, n: number, data?: Int32Array) => {
    const b = storageBuffer(dev, `bench.${label}`, n, data);
    own.push(b);
    return b;
  };
  const seqs = mk('seqs', S * Tmax, seqsInit),
    lengths = mk('lengths', S, ones),
    promptLens = mk('promptLens', S, ones);
  const done = mk('done', S),
    truncated = mk('truncated', S),
    next = mk('next', S),
    counter = mk('counter', 1);
  const last = mk('lastLogits', S * V); // (S,V) the logits row of each sequence's newest position
  const tail: Dispatch[] = [
    sampleTokens(gpu, next, last, counter, S, V, o),
    ...rolloutAdvance(gpu, seqs, lengths, done, truncated, next, promptLens, counter, S, Tmax, o.eosId, o.maxNewTokens),
  ];
  try {
    for (let t = 0; t < steps; t += o.chunk) {
      const enc = dev.createCommandEncoder({ label: 'full-recompute' });
      for (let k = t; k < Math.min(steps, t + o.chunk); k++) {
        const T = k + 1;
        // model.tokens is (S,T) with stride T: copy each row's first T tokens out of the (S,Tmax) seqs.
        for (let s = 0; s < S; s++) enc.copyBufferToBuffer(seqs, s * Tmax * 4, model.tokens, s * T * 4, T * 4);
        let pass = enc.beginComputePass();
        encode(pass, forwards[k]);
        pass.end();
        // Row k of each sequence's (T,V) logits is the one that picks its next token.
        for (let s = 0; s < S; s++)
          enc.copyBufferToBuffer(model.acts.logits, (s * T + k) * V * 4, last, s * V * 4, V * 4);
        pass = enc.beginComputePass();
        encode(pass, tail);
        pass.end();
      }
      dev.queue.submit([enc.finish()]);
      await readU32(dev, done, S); // the per-chunk check the KV path makes too
    }
    return { seqs: await readI32(dev, seqs, S * Tmax), ms: performance.now() - t0 };
  } finally {
    releaseDispatches([...forwards.flat(), ...tail]);
    for (const b of own) b.destroy();
  }
}

/** One row per preset: S sequences of newTokens tokens after a BOS prompt, both ways, after a warm-up; median of reps. */
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export async function benchSampling(
  gpu: Gpu,
  presets: string[],
  S: number,
  newTokens: number,
  reps = 3,
): Promise<SampleBenchRow[]> {
  const rows: SampleBenchRow[] = [];
  for (const preset of presets) {
    const config = MODEL_PRESETS[preset];
    if (!config) throw new Error(`unknown model preset ${preset}; known: ${Object.keys(MODEL_PRESETS).join(', ')}`);
    const Tmax = newTokens + 1;
    const model = new GpuModel(gpu, config, S, Tmax);
    const decoder = new GpuDecoder(gpu, model, S, Tmax);
    try {
      upload(gpu.device, model.params, initParams(config, model.layout, 1));
      const o: RolloutOptions = {
        temperature: 1,
        topK: 0,
        topP: 1,
        seed: 1,
        maxNewTokens: newTokens,
        eosId: -1,
        chunk: 16,
      };
      const prompts = Array.from({ length: S }, () => Int32Array.from([BOS_ID]));
      // Warm-up: pipelines compile on first use.
      await sampleRollouts(gpu, model, decoder, prompts, { ...o, maxNewTokens: 2 });
      await sampleFullRecompute(gpu, model, S, Tmax, { ...o, maxNewTokens: 2 }, 2);
      // Interleaved repetitions (both sides see the same machine load); the median time of each.
      const kvMs: number[] = [],
        fullMs: number[] = [];
      let kv = await sampleRollouts(gpu, model, decoder, prompts, o);
      let full = await sampleFullRecompute(gpu, model, S, Tmax, o, newTokens);
      for (let r = 0; r < reps; r++) {
        if (r > 0) {
          kv = await sampleRollouts(gpu, model, decoder, prompts, o);
          full = await sampleFullRecompute(gpu, model, S, Tmax, o, newTokens);
        }
        kvMs.push(kv.ms);
        fullMs.push(full.ms);
      }
      // Position 0 is the BOS prompt; every other position was sampled by both runs.
      let same = 0;
      for (let i = 0; i < S * Tmax; i++) if (i % Tmax !== 0 && kv.seqs[i] === full.seqs[i]) same++;
      const tokens = S * newTokens;
      const kvTps = (tokens * 1000) / median(kvMs),
        fullTps = (tokens * 1000) / median(fullMs);
      rows.push({
        preset,
        params: model.paramCount,
        S,
        newTokens,
        kvTokensPerSec: kvTps,
        fullTokensPerSec: fullTps,
        ratio: kvTps / fullTps,
        agree: same / tokens,
      });
    } finally {
      decoder.destroy();
      model.destroy();
    }
  }
  return rows;
}
