// Log-probability and entropy kernels for RL: bind buffers and build dispatches for
// shaders/logprob_{forward,backward}.wgsl. One workgroup per row; any vocabulary size; no temperature.

import forwardCode from '../../shaders/logprob_forward.wgsl?raw';
import backwardCode from '../../shaders/logprob_backward.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import { grid1d } from './grid';

/** Threads per row (a power of two): large vocabularies get a full 256-thread workgroup. */
function rowThreads(V: number): number {
  return V > 1024 ? 256 : 64;
}

/** logp (N) = log softmax(logits (N,V))[targets (N)] (0 for a negative target); entropy (N) = -sum p log p. */
export function logprobForward(gpu: Gpu, logp: Buf, entropy: Buf, logits: Buf, targets: Buf, N: number, V: number): Dispatch {
  return makeDispatch(gpu, {
    name: 'logprob_forward', code: forwardCode, constants: { WG: rowThreads(V) },
    buffers: [logp, entropy, logits, targets], uniform: new UniformWriter().u32(N).u32(V).bytes(), workgroups: grid1d(N, 1),
  });
}

/** dlogits (N,V) += dlogp (N) * d logp/d logits + dentropy (N) * d entropy/d logits. */
export function logprobBackward(gpu: Gpu, dlogits: Buf, logits: Buf, targets: Buf, dlogp: Buf, dentropy: Buf, N: number, V: number): Dispatch {
  return makeDispatch(gpu, {
    name: 'logprob_backward', code: backwardCode, constants: { WG: rowThreads(V) },
    buffers: [dlogits, logits, targets, dlogp, dentropy], uniform: new UniformWriter().u32(N).u32(V).bytes(), workgroups: grid1d(N, 1),
  });
}
