// LayerNorm kernels: bind buffers and build dispatches for shaders/layernorm_forward.wgsl,
// shaders/layernorm_backward.wgsl (dinp) and shaders/layernorm_backward_params.wgsl (dweight, dbias).

import forwardCode from '../../shaders/layernorm_forward.wgsl?raw';
import backwardCode from '../../shaders/layernorm_backward.wgsl?raw';
import paramsCode from '../../shaders/layernorm_backward_params.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import { grid1d } from './grid';

/** Threads per row: a power of two; wide rows get a full 256-thread workgroup. */
function rowThreads(C: number): number {
  return C > 256 ? 256 : 64;
}
const COLS = 32; // columns per workgroup in the dweight/dbias reduction
const ROWS = 8; // row lanes per column (power of two)

/** out (N,C) = (inp - mean) * rstd * weight (C) + bias (C); mean (N) and rstd (N) saved. eps = 1e-5. */
export function layernormForward(gpu: Gpu, out: Buf, mean: Buf, rstd: Buf, inp: Buf, weight: Buf, bias: Buf, N: number, C: number): Dispatch {
  return makeDispatch(gpu, {
    name: 'layernorm_forward', code: forwardCode, constants: { WG: rowThreads(C) },
    buffers: [out, mean, rstd, inp, weight, bias],
    uniform: new UniformWriter().u32(N).u32(C).bytes(), workgroups: grid1d(N, 1),
  });
}

/** dinp (N,C) +=, dweight (C) +=, dbias (C) += from dout (N,C) and the forward's inp, weight, mean, rstd. */
export function layernormBackward(
  gpu: Gpu, dinp: Buf, dweight: Buf, dbias: Buf, dout: Buf, inp: Buf, weight: Buf, mean: Buf, rstd: Buf, N: number, C: number,
): Dispatch[] {
  const uniform = new UniformWriter().u32(N).u32(C).bytes();
  return [
    makeDispatch(gpu, {
      name: 'layernorm_backward', code: backwardCode, constants: { WG: rowThreads(C) },
      buffers: [dinp, dout, inp, weight, mean, rstd], uniform, workgroups: grid1d(N, 1),
    }),
    makeDispatch(gpu, {
      name: 'layernorm_backward_params', code: paramsCode, constants: { COLS, ROWS },
      buffers: [dweight, dbias, dout, inp, mean, rstd], uniform, workgroups: [Math.ceil(C / COLS)],
    }),
  ];
}
