// Zero-fill kernel: binds a buffer (or a range of one) and builds the dispatch for shaders/zero.wgsl.
// The model records one per gradient buffer at the start of each backward; backward kernels then accumulate.
// Counts that are multiples of 4 are cleared a vec4 at a time (entry point `main4`), others by `main`.

import code from '../../shaders/zero.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import { grid1d } from './grid';

const WG = 64;
const PER = 16; // elements (vec4s in `main4`) cleared by each thread

/** buf (N) = 0; N counts 4-byte elements from the start of `buf` (a whole buffer or a range). */
export function zeroBuffer(gpu: Gpu, buf: Buf, N: number): Dispatch {
  const vec4 = N % 4 === 0;
  return makeDispatch(gpu, {
    name: 'zero',
    code,
    entryPoint: vec4 ? 'main4' : 'main',
    constants: { WG, PER },
    buffers: [buf],
    uniform: new UniformWriter().u32(N).bytes(),
    workgroups: grid1d(vec4 ? N / 4 : N, WG * PER),
  });
}
