// GELU kernels: bind buffers and build dispatches for shaders/gelu_{forward,backward}.wgsl.
// Counts that are multiples of 4 take the vec4 entry point `main4` (several vec4s per thread), others
// the scalar `main` (grid.ts elementwiseEntry); both compute the same function as src/ref/gelu.ts.

import forwardCode from '../../shaders/gelu_forward.wgsl?raw';
import backwardCode from '../../shaders/gelu_backward.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import { elementwiseEntry } from './grid';

/** out (N) = gelu(inp (N)) */
export function geluForward(gpu: Gpu, out: Buf, inp: Buf, N: number): Dispatch {
  return makeDispatch(gpu, {
    name: 'gelu_forward',
    code: forwardCode,
    ...elementwiseEntry(N),
    buffers: [out, inp],
    uniform: new UniformWriter().u32(N).bytes(),
  });
}

/** dinp (N) += dout (N) * gelu'(inp (N)) */
export function geluBackward(gpu: Gpu, dinp: Buf, inp: Buf, dout: Buf, N: number): Dispatch {
  return makeDispatch(gpu, {
    name: 'gelu_backward',
    code: backwardCode,
    ...elementwiseEntry(N),
    buffers: [dinp, inp, dout],
    uniform: new UniformWriter().u32(N).bytes(),
  });
}
