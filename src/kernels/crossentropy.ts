// Softmax cross-entropy kernels: bind buffers and build dispatches for
// shaders/crossentropy_{forward,backward}.wgsl. Vocabularies up to ROW_THREAD_MAX_V get one thread per
// row (entry point `rows`, no barriers: on CPU adapters a barrier costs more than a whole row); larger
// ones (a GPT-2-size vocabulary) get a workgroup per row (`main`): rowEntry in row-entry.ts chooses.

import forwardCode from '../../shaders/crossentropy_forward.wgsl?raw';
import backwardCode from '../../shaders/crossentropy_backward.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import { rowEntry } from './row-entry';

/** Largest vocabulary (V) still handled by one thread per row; larger ones use a workgroup per row. */
export const ROW_THREAD_MAX_V = 1024;
const ROW_WG = 16; // threads per workgroup in `rows`: more, smaller workgroups spread rows over cores
const rowKernel = (N: number, V: number) => rowEntry(N, V, ROW_THREAD_MAX_V, ROW_WG);

/** losses (N) = -log softmax(logits (N,V))[targets (N)]; 0 where the target is negative. */
export function crossentropyForward(gpu: Gpu, losses: Buf, logits: Buf, targets: Buf, N: number, V: number): Dispatch {
  return makeDispatch(gpu, {
    name: 'crossentropy_forward',
    code: forwardCode,
    ...rowKernel(N, V),
    buffers: [losses, logits, targets],
    uniform: new UniformWriter().u32(N).u32(V).bytes(),
  });
}

/** dlogits (N,V) += dlosses (N) * (softmax - onehot(targets)); rows with a negative target are skipped. */
export function crossentropyBackward(
  gpu: Gpu,
  dlogits: Buf,
  logits: Buf,
  targets: Buf,
  dlosses: Buf,
  N: number,
  V: number,
): Dispatch {
  return makeDispatch(gpu, {
    name: 'crossentropy_backward',
    code: backwardCode,
    ...rowKernel(N, V),
    buffers: [dlogits, logits, targets, dlosses],
    uniform: new UniformWriter().u32(N).u32(V).bytes(),
  });
}
