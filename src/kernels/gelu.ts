// GELU kernels: binds buffers and builds dispatches for shaders/gelu_{forward,backward}.wgsl.

import forwardCode from '../../shaders/gelu_forward.wgsl?raw';
import backwardCode from '../../shaders/gelu_backward.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import { grid1d } from './grid';

const WG = 256;

/** out (N) = gelu(inp (N)) */
export function geluForward(gpu: Gpu, out: Buf, inp: Buf, N: number): Dispatch {
  return makeDispatch(gpu, {
    name: 'gelu_forward', code: forwardCode, constants: { WG },
    buffers: [out, inp], uniform: new UniformWriter().u32(N).bytes(), workgroups: grid1d(N, WG),
  });
}

/** dinp (N) += dout (N) * gelu'(inp (N)) */
export function geluBackward(gpu: Gpu, dinp: Buf, inp: Buf, dout: Buf, N: number): Dispatch {
  return makeDispatch(gpu, {
    name: 'gelu_backward', code: backwardCode, constants: { WG },
    buffers: [dinp, inp, dout], uniform: new UniformWriter().u32(N).bytes(), workgroups: grid1d(N, WG),
  });
}
