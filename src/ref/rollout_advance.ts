// CPU reference for the lockstep rollout step. Mirrors shaders/rollout_advance.wgsl followed by
// shaders/counter_increment.wgsl, with the same argument order as src/kernels/rollout_advance.ts.
// All sequences sit at the same position t = counter[0]; a row whose prompt is longer simply keeps
// reading its prompt while shorter ones already generate. Not a sampler: next comes from sample.ts.

/**
 * At t = counter[0], for each row not done and past its prompt (t + 1 >= promptLens[s]):
 * seqs[s,t+1] = next[s], lengths[s] = t + 2; done on eosId, else done and truncated once the row
 * holds maxNewTokens new tokens or Tmax tokens. A row with no room (t + 1 >= Tmax) only ends,
 * truncated. Done rows and rows still reading their prompt are untouched. Then counter[0]++.
 */
export function rolloutAdvance(
  seqs: Int32Array, // (S,Tmax) prompt then completion
  lengths: Int32Array, // (S) tokens so far, prompt included
  done: Uint32Array, // (S) 0 running, 1 ended
  truncated: Uint32Array, // (S) 1 ended by the length limit
  next: Int32Array, // (S) tokens sampled at position t
  promptLens: Int32Array, // (S)
  counter: Uint32Array, // (1) position t, incremented
  S: number,
  Tmax: number,
  eosId: number,
  maxNewTokens: number,
): void {
  const t = counter[0];
  for (let s = 0; s < S; s++) {
    if (done[s] !== 0) continue;
    const pl = Math.max(promptLens[s], 1);
    if (t + 1 < pl) continue; // the next input is still a prompt token
    if (t + 1 >= Tmax) {
      done[s] = 1;
      truncated[s] = 1;
      continue;
    }
    seqs[s * Tmax + t + 1] = next[s];
    lengths[s] = t + 2;
    if (next[s] === eosId) {
      done[s] = 1;
    } else if (t + 2 - pl >= maxNewTokens || t + 2 >= Tmax) {
      // the length limit, reached without EOS
      done[s] = 1;
      truncated[s] = 1;
    }
  }
  counter[0] = (t + 1) >>> 0;
}
