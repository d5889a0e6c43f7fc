// Text generation for previews (pre-training samples): the same GPU path as RL rollouts (KV-cache
// decoding and GPU sampling, no per-token readback), for a handful of prompts.

import type { GpuModel } from './gpu-model';
import { GpuDecoder } from './decode';
import { sampleRollouts } from '../rl/rollout';
import type { Gpu } from '../gpu/dispatch';
import { encode, decode, BOS_ID, EOS_ID } from '../tasks/tokenizer';
import type { GenerateOptions } from './trainer-api';

const decoders = new WeakMap<GpuModel, GpuDecoder>();

/** Continues each prompt; temperature 0 is greedy. Returns the continuations without the prompts. */
export async function generateText(gpu: Gpu, model: GpuModel, prompts: string[], o: GenerateOptions): Promise<string[]> {
  if (prompts.length === 0) return [];
  if (prompts.length > model.maxB) throw new Error(`at most ${model.maxB} prompts at once, got ${prompts.length}`);
  let decoder = decoders.get(model);
  if (!decoder) decoders.set(model, (decoder = new GpuDecoder(gpu, model, model.maxB, model.maxT)));
  const ids = prompts.map((p) => Int32Array.from([BOS_ID, ...encode(p)]));
  const r = await sampleRollouts(gpu, model, decoder, ids, {
    temperature: o.temperature, topK: 0, topP: 1, seed: o.seed >>> 0, maxNewTokens: o.maxNewTokens, eosId: EOS_ID, chunk: 16,
  });
  return ids.map((p, s) => decode(r.seqs.subarray(s * decoder.Tmax + p.length, s * decoder.Tmax + r.lengths[s])));
}
