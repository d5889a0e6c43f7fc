// Zero-fill kernel: binds a buffer (or a range of one) and builds the dispatch for shaders/zero.wgsl.
// The model records one per gradient buffer at the start of each backward; backward kernels then accumulate.

import code from '../../shaders/zero.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import { grid1d } from './grid';

const WG = 256;
const PER = 4; // elements cleared by each thread

/** buf (N) = 0; N counts 4-byte elements from the start of `buf` (a whole buffer or a range). */
export function zeroBuffer(gpu: Gpu, buf: Buf, N: number): Dispatch {
  return makeDispatch(gpu, {
    name: 'zero', code, constants: { WG, PER },
    buffers: [buf], uniform: new UniformWriter().u32(N).bytes(), workgroups: grid1d(N, WG * PER),
  });
}
