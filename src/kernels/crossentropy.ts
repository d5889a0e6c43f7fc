// Softmax cross-entropy kernels: bind buffers and build dispatches for
// shaders/crossentropy_{forward,backward}.wgsl. One workgroup per row; any vocabulary size.

import forwardCode from '../../shaders/crossentropy_forward.wgsl?raw';
import backwardCode from '../../shaders/crossentropy_backward.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import { grid1d } from './grid';

/** Threads per row (a power of two): large vocabularies get a full 256-thread workgroup. */
function rowThreads(V: number): number {
  return V > 1024 ? 256 : 64;
}

/** losses (N) = -log softmax(logits (N,V))[targets (N)]; 0 where the target is negative. */
export function crossentropyForward(gpu: Gpu, losses: Buf, logits: Buf, targets: Buf, N: number, V: number): Dispatch {
  return makeDispatch(gpu, {
    name: 'crossentropy_forward', code: forwardCode, constants: { WG: rowThreads(V) },
    buffers: [losses, logits, targets], uniform: new UniformWriter().u32(N).u32(V).bytes(), workgroups: grid1d(N, 1),
  });
}

/** dlogits (N,V) += dlosses (N) * (softmax - onehot(targets)); rows with a negative target are skipped. */
export function crossentropyBackward(gpu: Gpu, dlogits: Buf, logits: Buf, targets: Buf, dlosses: Buf, N: number, V: number): Dispatch {
  return makeDispatch(gpu, {
    name: 'crossentropy_backward', code: backwardCode, constants: { WG: rowThreads(V) },
    buffers: [dlogits, logits, targets, dlosses], uniform: new UniformWriter().u32(N).u32(V).bytes(), workgroups: grid1d(N, 1),
  });
}
