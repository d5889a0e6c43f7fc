// Rollout bookkeeping kernel: binds buffers and builds the dispatches of shaders/rollout_advance.wgsl
// (append the sampled token, detect EOS and length limits) and shaders/counter_increment.wgsl
// (advance the position). No readback: rollouts read the `done` flags once per chunk of steps.

import advanceCode from '../../shaders/rollout_advance.wgsl?raw';
import counterCode from '../../shaders/counter_increment.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import { grid1d } from './grid';

const WG = 64;

/** counter (1)[0] += 1, one thread: a dispatch of its own so it runs after every reader of the old value. */
export function counterIncrement(gpu: Gpu, counter: Buf): Dispatch {
  return makeDispatch(gpu, { name: 'counter_increment', code: counterCode, buffers: [counter], workgroups: [1] });
}

/**
 * At t = counter (1)[0], for rows not done and past their prompt (t + 1 >= promptLens (S)):
 * seqs (S,Tmax)[s,t+1] = next (S)[s], lengths (S) = t + 2, done (S) = 1 on eosId, done and
 * truncated (S) = 1 at maxNewTokens new tokens or Tmax. The LAST dispatch increments counter[0].
 */
export function rolloutAdvance(
  gpu: Gpu,
  seqs: Buf,
  lengths: Buf,
  done: Buf,
  truncated: Buf,
  next: Buf,
  promptLens: Buf,
  counter: Buf,
  S: number,
  Tmax: number,
  eosId: number,
  maxNewTokens: number,
): Dispatch[] {
  if (!Number.isInteger(S) || S < 1 || !Number.isInteger(Tmax) || Tmax < 2)
    throw new Error(`rolloutAdvance: need S >= 1 and Tmax >= 2, got S=${S} Tmax=${Tmax}`);
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1)
    throw new Error(`rolloutAdvance: maxNewTokens must be a positive integer, got ${maxNewTokens}`);
  const rows = makeDispatch(gpu, {
    name: 'rollout_advance',
    code: advanceCode,
    constants: { WG },
    buffers: [seqs, lengths, done, truncated, next, promptLens, counter],
    uniform: new UniformWriter().u32(S).u32(Tmax).i32(eosId).u32(maxNewTokens).bytes(),
    workgroups: grid1d(S, WG),
  });
  return [rows, counterIncrement(gpu, counter)];
}
