// LayerNorm kernels: bind buffers and build dispatches for shaders/layernorm_forward.wgsl,
// shaders/layernorm_backward.wgsl (dinp) and shaders/layernorm_backward_params.wgsl (dweight, dbias).
// Rows up to ROW_THREAD_MAX_C wide get one thread per row (entry point `rows`, no barriers: on CPU
// adapters a barrier costs more than the whole row); wider rows get a workgroup per row (`main`): rowEntry.

import forwardCode from '../../shaders/layernorm_forward.wgsl?raw';
import backwardCode from '../../shaders/layernorm_backward.wgsl?raw';
import paramsCode from '../../shaders/layernorm_backward_params.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import { rowEntry, threadPerRow } from './row-entry';

/** Widest row (C) still normalised by one thread per row; wider rows use a workgroup per row. */
export const ROW_THREAD_MAX_C = 256;
const ROW_WG = 64; // threads per workgroup in the thread-per-row entry points (`rows`)
const COL_WG = 16; // threads per workgroup in the thread-per-column `cols`: few columns (C <= 256), so small
//                   workgroups spread them over more cores
const COLS = 32; // columns per workgroup in the workgroup dweight/dbias reduction
const ROWS = 8; // row lanes per column (power of two)
const rowKernel = (N: number, C: number) => rowEntry(N, C, ROW_THREAD_MAX_C, ROW_WG);

/** out (N,C) = (inp - mean) * rstd * weight (C) + bias (C); mean (N) and rstd (N) saved. eps = 1e-5. */
export function layernormForward(
  gpu: Gpu,
  out: Buf,
  mean: Buf,
  rstd: Buf,
  inp: Buf,
  weight: Buf,
  bias: Buf,
  N: number,
  C: number,
): Dispatch {
  return makeDispatch(gpu, {
    name: 'layernorm_forward',
    code: forwardCode,
    ...rowKernel(N, C),
    buffers: [out, mean, rstd, inp, weight, bias],
    uniform: new UniformWriter().u32(N).u32(C).bytes(),
  });
}

/** dinp (N,C) +=, dweight (C) +=, dbias (C) += from dout (N,C) and the forward's inp, weight, mean, rstd. */
export function layernormBackward(
  gpu: Gpu,
  dinp: Buf,
  dweight: Buf,
  dbias: Buf,
  dout: Buf,
  inp: Buf,
  weight: Buf,
  mean: Buf,
  rstd: Buf,
  N: number,
  C: number,
): Dispatch[] {
  const uniform = new UniformWriter().u32(N).u32(C).bytes();
  const narrow = threadPerRow(C, ROW_THREAD_MAX_C); // few columns: thread-per-column `cols`
  return [
    makeDispatch(gpu, {
      name: 'layernorm_backward',
      code: backwardCode,
      ...rowKernel(N, C),
      buffers: [dinp, dout, inp, weight, mean, rstd],
      uniform,
    }),
    makeDispatch(gpu, {
      name: 'layernorm_backward_params',
      code: paramsCode,
      ...(narrow
        ? { entryPoint: 'cols', constants: { COLS: COL_WG }, workgroups: [Math.ceil(C / COL_WG)] as [number] }
        : { entryPoint: 'main', constants: { COLS, ROWS }, workgroups: [Math.ceil(C / COLS)] as [number] }),
      buffers: [dweight, dbias, dout, inp, mean, rstd],
      uniform,
    }),
  ];
}
