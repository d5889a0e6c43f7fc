// Batched rollout sampling on the GPU: S prompts decoded in lockstep with the KV cache, one token
// per row per step (sampleTokens), appended by rolloutAdvance; steps are encoded `chunk` at a time
// into one command buffer and the only readback per chunk is the `done` flags (S u32), to stop early.
// Sequences, lengths and truncation flags are read back once at the end. No per-token readback.
// The row-state buffers (S each) and the two dispatches made here are freed before returning.

import type { GpuModel } from './gpu-model';
import type { GpuDecoder } from './decode';
import { sampleTokens } from '../kernels/sample';
import { rolloutAdvance } from '../kernels/rollout_advance';
import { encode, releaseDispatches, type Dispatch, type Gpu } from '../gpu/dispatch';
import { storageBuffer, readI32, readU32 } from '../gpu/buffers';
import { PAD_ID } from './tokenizer';

/** Fills seqs past each row's length: a valid id, so the lockstep steps of ended rows embed safely. */
export const PAD_TOKEN = PAD_ID;

export interface RolloutOptions {
  temperature: number; // softmax(logits / T); <= 1e-6 is greedy argmax
  topK: number; // 0 = off
  topP: number; // >= 1 = off
  seed: number; // u32: with the row and the position it fixes every draw, so rollouts are reproducible
  maxNewTokens: number; // per row, EOS included
  eosId: number; // the token that ends a row (-1: none, rows run to the length limit)
  chunk: number; // decode steps per command buffer between `done` readbacks, e.g. 16
  signal?: AbortSignal; // checked before each chunk: an abort rejects with its reason
}

export interface Rollouts {
  seqs: Int32Array; // (S,Tmax) prompt, then completion, then PAD_TOKEN; S = prompts.length
  promptLens: Int32Array; // (S)
  lengths: Int32Array; // (S) prompt + completion tokens (EOS included)
  truncated: Uint8Array; // (S) 1 when the row hit maxNewTokens or Tmax without EOS
  ms: number; // wall time, upload to final readback
  steps: number; // decode steps run (positions advanced)
}

/** Decode steps needed for every row to finish: the longest prompt, then maxNewTokens, within Tmax. */
export function rolloutSteps(promptLens: ArrayLike<number>, maxNewTokens: number, Tmax: number): number {
  let longest = 1;
  for (let i = 0; i < promptLens.length; i++) longest = Math.max(longest, promptLens[i]);
  return Math.min(Tmax - 1, longest - 1 + maxNewTokens);
}

/**
 * Samples a completion for each prompt (each starts with BOS) with decoder's model. Rows beyond
 * prompts.length (up to decoder.S) are idle. Deterministic for a fixed seed on a given adapter.
 */
export async function sampleRollouts(
  gpu: Gpu,
  model: GpuModel,
  decoder: GpuDecoder,
  prompts: Int32Array[],
  o: RolloutOptions,
): Promise<Rollouts> {
  const t0 = performance.now();
  const n = prompts.length;
  const { S, Tmax } = decoder;
  if (decoder.model !== model) throw new Error('sampleRollouts: the decoder was built for another model');
  if (n < 1 || n > S) throw new Error(`sampleRollouts: 1 to ${S} prompts (the decoder's rows), got ${n}`);
  if (!Number.isInteger(o.chunk) || o.chunk < 1)
    throw new Error(`sampleRollouts: chunk must be a positive integer, got ${o.chunk}`);
  const dev = gpu.device;

  // Initial state: prompts in seqs, PAD after; idle rows start done.
  const seqs = new Int32Array(S * Tmax).fill(PAD_TOKEN);
  const promptLens = new Int32Array(S).fill(1);
  const done = new Uint32Array(S);
  prompts.forEach((p, s) => {
    if (p.length < 1 || p.length > Tmax - 1)
      throw new Error(`sampleRollouts: prompt ${s} has ${p.length} tokens; 1 to ${Tmax - 1} leave room to generate`);
    const bad = p.findIndex((id) => id < 0 || id >= model.config.vocabSize);
    if (bad >= 0)
      throw new Error(
        `sampleRollouts: prompt ${s} token ${bad} is ${p[bad]}, outside the vocabulary [0, ${model.config.vocabSize})`,
      );
    seqs.set(p, s * Tmax);
    promptLens[s] = p.length;
  });
  for (let s = n; s < S; s++) done[s] = 1;
  const mk = (label: string, data: Int32Array | Uint32Array) => storageBuffer(dev, `rollout.${label}`, S, data);
  const bufs = {
    lengths: mk('lengths', promptLens),
    done: mk('done', done),
    truncated: mk('truncated', new Uint32Array(S)),
    next: mk('next', new Int32Array(S)),
    promptLens: mk('promptLens', promptLens),
  };
  decoder.setTokens(seqs);
  decoder.setPosition(0);
  const V = model.config.vocabSize;
  // Sampling and bookkeeping of one step, built for this call's settings (the decoder's own step is reused).
  const own: Dispatch[] = [];
  try {
    own.push(
      sampleTokens(gpu, bufs.next, decoder.logits, decoder.counter, S, V, {
        temperature: o.temperature,
        topK: o.topK,
        topP: o.topP,
        seed: o.seed,
      }),
    );
    own.push(
      ...rolloutAdvance(
        gpu,
        decoder.seqs,
        bufs.lengths,
        bufs.done,
        bufs.truncated,
        bufs.next,
        bufs.promptLens,
        decoder.counter,
        S,
        Tmax,
        o.eosId,
        o.maxNewTokens,
      ),
    );
    // One lockstep step: logits at position t, one token per row, append it and advance t.
    const stepDispatches: Dispatch[] = [...decoder.step, ...own];
    await gpu.pipelines.ready(); // with an 'async' cache: every pipeline of the step, concurrently
    // Steps run in chunks; between chunks the done flags (S u32) are the only readback.
    const total = rolloutSteps(promptLens.subarray(0, n), o.maxNewTokens, Tmax);
    let steps = 0;
    while (steps < total) {
      o.signal?.throwIfAborted();
      const k = Math.min(o.chunk, total - steps);
      const enc = dev.createCommandEncoder({ label: 'rollout' });
      const pass = enc.beginComputePass({ label: 'rollout' });
      for (let i = 0; i < k; i++) encode(pass, stepDispatches);
      pass.end();
      dev.queue.submit([enc.finish()]);
      steps += k;
      if (steps < total && (await readU32(dev, bufs.done, n)).every((d) => d !== 0)) break;
    }

    const [allSeqs, lengths, truncated] = await Promise.all([
      readI32(dev, decoder.seqs, n * Tmax),
      readI32(dev, bufs.lengths, n),
      readU32(dev, bufs.truncated, n),
    ]);
    return {
      seqs: allSeqs,
      promptLens: promptLens.slice(0, n),
      lengths,
      truncated: Uint8Array.from(truncated),
      ms: performance.now() - t0,
      steps,
    };
  } finally {
    releaseDispatches(own);
    for (const b of Object.values(bufs)) b.destroy();
  }
}
