// The SFT baseline (method.md): next-token loss on (problem -> reference solution), i.e. imitation
// of the human reference. Sequences are <bos> prompt reference <eos>; only reference tokens (and the
// closing <eos>) are in the loss, weighted 1/count.

import { encode, BOS_ID, EOS_ID } from '../model/tokenizer';
import { toPadded, paddedLength, type SequenceBatch } from './rl-batch';
import type { RlPolicy, OptimHyper } from './policy';

export interface SftExample {
  prompt: string;
  reference: string;
}

export function sftBatch(examples: SftExample[], contextLength: number): SequenceBatch {
  const S = examples.length,
    Tmax = contextLength;
  const seqs = new Int32Array(S * Tmax),
    promptLens = new Int32Array(S),
    lengths = new Int32Array(S);
  examples.forEach((ex, s) => {
    const head = [BOS_ID, ...encode(ex.prompt)];
    const row = [...head, ...encode(ex.reference), EOS_ID].slice(0, Tmax);
    seqs.set(row, s * Tmax);
    promptLens[s] = head.length;
    lengths[s] = row.length;
  });
  return { S, Tmax, seqs, promptLens, lengths };
}

/** One SFT update on a batch of examples; returns the mean loss over reference tokens. */
export async function sftStep(
  policy: RlPolicy,
  examples: SftExample[],
  o: OptimHyper,
): Promise<{ loss: number; gradNorm: number; tokens: number }> {
  const b = sftBatch(examples, policy.config.contextLength);
  const T = paddedLength(b, policy.config.contextLength);
  const padded = toPadded(b, T);
  const weight = new Float32Array(b.S * T);
  let count = 0;
  for (let s = 0; s < b.S; s++) {
    for (let t = b.promptLens[s] - 1; t < b.lengths[s] - 1 && t < T; t++) {
      weight[s * T + t] = 1;
      count++;
    }
  }
  if (count === 0) throw new Error('SFT batch has no reference tokens');
  for (let i = 0; i < weight.length; i++) weight[i] /= count;
  const r = await policy.sftUpdate(padded, weight, o);
  return { ...r, tokens: count };
}
