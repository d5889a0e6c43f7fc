// Loss aggregation as per-token weights: the policy-loss kernels multiply each token's loss by its
// weight, so the sum of loss_t over the batch is the aggregated loss. Pure CPU function, no GPU.
// The weights carry the loss mask too (prompt, padding and dropped trajectories have mask 0).

/** How per-token losses are combined into one scalar (method.md, "The policy loss"). */
export type AggregationMode =
  | 'token-mean' // DAPO: mean over all masked tokens of the (mini-)batch
  | 'seq-mean-token-mean' // original GRPO: mean over tokens within a sequence, then over sequences
  | 'sum-norm'; // Dr. GRPO: sum over masked tokens divided by a fixed constant

/**
 * Per-token weights, concatenated in sequence order (length = sum of mask lengths).
 *   token-mean:          mask / (sum of all masks)
 *   seq-mean-token-mean: mask / (sum of this sequence's mask * number of sequences with mask sum > 0)
 *   sum-norm:            mask / constant (required, > 0; e.g. G * max response length)
 * Masks are usually 0/1; a "token count" is the sum of mask values. A batch with no masked token
 * gives all-zero weights (no loss, no gradient) rather than a division by zero.
 */
export function lossWeights(mask: Float32Array[], mode: AggregationMode, constant?: number): Float32Array {
  let n = 0;
  for (const m of mask) n += m.length;
  const out = new Float32Array(n);
  // per-sequence token counts, and how many sequences have any token in the loss
  const lens = mask.map((m) => m.reduce((s, x) => s + x, 0));
  const total = lens.reduce((s, x) => s + x, 0);
  const seqsWithTokens = lens.filter((l) => l > 0).length;
  if (mode === 'sum-norm' && !(constant !== undefined && constant > 0)) {
    throw new Error(`lossWeights: 'sum-norm' needs a positive constant, got ${constant}`);
  }
  let o = 0;
  for (let s = 0; s < mask.length; s++) {
    const m = mask[s];
    let scale: number;
    if (mode === 'token-mean') scale = total > 0 ? 1 / total : 0;
    else if (mode === 'seq-mean-token-mean') scale = lens[s] > 0 ? 1 / (lens[s] * seqsWithTokens) : 0;
    else scale = 1 / (constant as number);
    for (let t = 0; t < m.length; t++) out[o++] = m[t] * scale;
  }
  return out;
}
