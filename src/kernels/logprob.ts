// Log-probability and entropy kernels for RL: bind buffers and build dispatches for
// shaders/logprob_{forward,backward}.wgsl; any vocabulary size, no temperature. Vocabularies up to
// ROW_THREAD_MAX_V get one thread per row (entry point `rows`, no barriers, the fast path on CPU
// adapters); larger ones get a workgroup per row (`main`); the choice is rowEntry (row-entry.ts).

import forwardCode from '../../shaders/logprob_forward.wgsl?raw';
import backwardCode from '../../shaders/logprob_backward.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import { ROW_THREAD_MAX_V } from './crossentropy';
import { rowEntry } from './row-entry';

const ROW_WG = 16; // threads per workgroup in `rows`
const rowKernel = (N: number, V: number) => rowEntry(N, V, ROW_THREAD_MAX_V, ROW_WG);

/** logp (N) = log softmax(logits (N,V))[targets (N)] (0 for a negative target); entropy (N) = -sum p log p. */
export function logprobForward(
  gpu: Gpu,
  logp: Buf,
  entropy: Buf,
  logits: Buf,
  targets: Buf,
  N: number,
  V: number,
): Dispatch {
  return makeDispatch(gpu, {
    name: 'logprob_forward',
    code: forwardCode,
    ...rowKernel(N, V),
    buffers: [logp, entropy, logits, targets],
    uniform: new UniformWriter().u32(N).u32(V).bytes(),
  });
}

/** dlogits (N,V) += dlogp (N) * d logp/d logits + dentropy (N) * d entropy/d logits. */
export function logprobBackward(
  gpu: Gpu,
  dlogits: Buf,
  logits: Buf,
  targets: Buf,
  dlogp: Buf,
  dentropy: Buf,
  N: number,
  V: number,
): Dispatch {
  return makeDispatch(gpu, {
    name: 'logprob_backward',
    code: backwardCode,
    ...rowKernel(N, V),
    buffers: [dlogits, logits, targets, dlogp, dentropy],
    uniform: new UniformWriter().u32(N).u32(V).bytes(),
  });
}
