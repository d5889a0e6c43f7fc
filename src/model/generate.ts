// Text generation for previews (pre-training samples): the same GPU path as RL rollouts (KV-cache
// decoding and GPU sampling, no per-token readback), for a handful of prompts. The caller owns the
// decoder (and destroys it); this file only frames the prompts and decodes the continuations.

import type { GpuDecoder } from './decode';
import { sampleRollouts } from './sampling';
import type { Gpu } from '../gpu/dispatch';
import { encode, decode, BOS_ID, EOS_ID } from './tokenizer';
import type { GenerateOptions } from './trainer-api';

/** Continues each prompt with the decoder's model; temperature 0 is greedy. Returns the continuations without the prompts. */
export async function generateText(
  gpu: Gpu,
  decoder: GpuDecoder,
  prompts: string[],
  o: GenerateOptions,
): Promise<string[]> {
  if (prompts.length === 0) return [];
  if (prompts.length > decoder.S) throw new Error(`at most ${decoder.S} prompts at once, got ${prompts.length}`);
  const ids = prompts.map((p) => Int32Array.from([BOS_ID, ...encode(p)]));
  const r = await sampleRollouts(gpu, decoder.model, decoder, ids, {
    temperature: o.temperature,
    topK: 0,
    topP: 1,
    seed: o.seed >>> 0,
    maxNewTokens: o.maxNewTokens,
    eosId: EOS_ID,
    chunk: 16,
  });
  return ids.map((p, s) => decode(r.seqs.subarray(s * decoder.Tmax + p.length, s * decoder.Tmax + r.lengths[s])));
}
