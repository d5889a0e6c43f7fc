// Residual-add kernels: bind buffers and build dispatches for shaders/residual_{forward,backward}.wgsl.
// Counts that are multiples of 4 take the vec4 entry point `main4` (several vec4s per thread), others
// the scalar `main` (grid.ts elementwiseEntry); both add the same way as src/ref/residual.ts.

import forwardCode from '../../shaders/residual_forward.wgsl?raw';
import backwardCode from '../../shaders/residual_backward.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import { elementwiseEntry } from './grid';

/** out (N) = inp1 (N) + inp2 (N) */
export function residualForward(gpu: Gpu, out: Buf, inp1: Buf, inp2: Buf, N: number): Dispatch {
  return makeDispatch(gpu, {
    name: 'residual_forward',
    code: forwardCode,
    ...elementwiseEntry(N),
    buffers: [out, inp1, inp2],
    uniform: new UniformWriter().u32(N).bytes(),
  });
}

/** dinp1 (N) += dout (N); dinp2 (N) += dout (N). The three buffers must not alias. */
export function residualBackward(gpu: Gpu, dinp1: Buf, dinp2: Buf, dout: Buf, N: number): Dispatch {
  return makeDispatch(gpu, {
    name: 'residual_backward',
    code: backwardCode,
    ...elementwiseEntry(N),
    buffers: [dinp1, dinp2, dout],
    uniform: new UniformWriter().u32(N).bytes(),
  });
}
