// Text generation for previews (pre-training samples): full forward passes over a fixed window,
// reading back only the one logits row per sequence that picks the next token. The RL sampler
// (rollouts) samples on the GPU instead; this path favours simplicity for a handful of prompts.

import type { GpuModel } from './gpu-model';
import { encode as encodePass, type Dispatch, type Gpu } from '../gpu/dispatch';
import { upload } from '../gpu/buffers';
import { encode, decode, BOS_ID, EOS_ID, PAD_ID } from '../tasks/tokenizer';
import { mulberry32 } from '../util/rng';
import type { GenerateOptions } from './trainer-api';

const MAP_READ = 0x0001, COPY_DST = 0x0008;
const forwardCache = new WeakMap<GpuModel, Map<string, Dispatch[]>>();

function forwardFor(model: GpuModel, S: number, T: number): Dispatch[] {
  let m = forwardCache.get(model);
  if (!m) forwardCache.set(model, (m = new Map()));
  const key = `${S}x${T}`;
  let d = m.get(key);
  if (!d) m.set(key, (d = model.forward(S, T)));
  return d;
}

/** Samples from softmax(logits / temperature); temperature 0 is argmax (lowest index on ties). */
export function pickToken(logits: Float32Array, temperature: number, u: number): number {
  let best = 0;
  for (let v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
  if (temperature <= 0) return best;
  let sum = 0;
  const p = new Float64Array(logits.length);
  for (let v = 0; v < logits.length; v++) sum += p[v] = Math.exp((logits[v] - logits[best]) / temperature);
  let acc = 0;
  for (let v = 0; v < logits.length; v++) {
    acc += p[v] / sum;
    if (u < acc) return v;
  }
  return logits.length - 1;
}

export async function generateText(gpu: Gpu, model: GpuModel, prompts: string[], o: GenerateOptions): Promise<string[]> {
  const S = prompts.length;
  if (S === 0) return [];
  if (S > model.maxB) throw new Error(`at most ${model.maxB} prompts at once, got ${S}`);
  const seqs = prompts.map((p) => [BOS_ID, ...encode(p)]);
  const longest = Math.max(...seqs.map((s) => s.length));
  const T = Math.min(model.maxT, Math.ceil((longest + o.maxNewTokens) / 16) * 16);
  if (longest >= T) throw new Error(`prompt of ${longest} tokens leaves no room in the context of ${model.maxT}`);
  const V = model.config.vocabSize;
  const dev = gpu.device;
  const forward = forwardFor(model, S, T);
  const staging = dev.createBuffer({ label: 'generate-rows', size: S * V * 4, usage: MAP_READ | COPY_DST });
  const rng = mulberry32(o.seed);
  const done = seqs.map(() => false);
  try {
    for (let step = 0; step < o.maxNewTokens && done.some((d) => !d); step++) {
      const tokens = new Int32Array(S * T).fill(PAD_ID);
      seqs.forEach((s, i) => tokens.set(s.slice(0, T), i * T));
      upload(dev, model.tokens, tokens);
      const enc = dev.createCommandEncoder({ label: 'generate' });
      const pass = enc.beginComputePass();
      encodePass(pass, forward);
      pass.end();
      seqs.forEach((s, i) => enc.copyBufferToBuffer(model.acts.logits, ((i * T + s.length - 1) * V) * 4, staging, i * V * 4, V * 4));
      dev.queue.submit([enc.finish()]);
      await staging.mapAsync(MAP_READ);
      const rows = new Float32Array(staging.getMappedRange().slice(0));
      staging.unmap();
      seqs.forEach((s, i) => {
        if (done[i]) return;
        const next = pickToken(rows.subarray(i * V, (i + 1) * V), o.temperature, rng());
        s.push(next);
        if (next === EOS_ID || s.length >= T) done[i] = true;
      });
    }
  } finally {
    staging.destroy();
  }
  return seqs.map((s, i) => decode(s.slice(1 + encode(prompts[i]).length)));
}
