// CPU reference for the change an update makes to the log-probabilities of a batch's targets: the
// target log-probs of the logits after the update minus those before (both from the model's CPU
// forward, src/model/cpu-model.ts, run by the caller). What the step-through's GPU forward passes
// before and after an update must reproduce.

import { logprobForward } from './logprob';

/** delta (N) = log softmax(after)[target] - log softmax(before)[target]; 0 where the target is negative. */
export function logprobChange(
  logitsBefore: Float32Array, // (N,V)
  logitsAfter: Float32Array, // (N,V)
  targets: Int32Array, // (N)
  N: number,
  V: number,
): Float32Array {
  const before = new Float32Array(N),
    after = new Float32Array(N),
    entropy = new Float32Array(N);
  logprobForward(before, entropy, logitsBefore, targets, N, V);
  logprobForward(after, entropy, logitsAfter, targets, N, V);
  return after.map((a, n) => a - before[n]);
}
