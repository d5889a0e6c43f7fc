// Matmul kernels: build dispatches of shaders/matmul.wgsl (one generic register-blocked kernel: the
// transposes are override constants, accumulation, bias and GELU uniform flags of its epilogue) and shaders/matmul_bias_backward.wgsl.
// Linear layers (x·W + b) and the tied output layer (x·Wteᵀ) are thin compositions of the two.
// Every backward dispatch accumulates (+=) into its gradient buffers; the caller zeroes them.

import matmulCode from '../../shaders/matmul.wgsl?raw';
import biasBackwardCode from '../../shaders/matmul_bias_backward.wgsl?raw';
import { makeDispatch, groups, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import type { MatmulOptions } from '../ref/matmul';

// The options are those of the CPU reference, which defines the op.
export type { MatmulOptions };

/** Outputs per thread along each axis: fixed by the shader's hand-written 8x8 register block. */
const BLOCK = 8;
/** 4x4-thread workgroups (32x32 outputs) up to this many; past it, 8x8 threads (64x64 outputs). */
const MAX_SMALL_GROUPS = 256;
/** Threads per workgroup of the bias gradient (one per column). */
const BIAS_WG = 64;

/**
 * Workgroup shape for an (M,N) output: 4x4 threads (32x32 outputs) unless that needs more than
 * MAX_SMALL_GROUPS workgroups, then 8x8 threads (64x64). Every matrix of the model presets up to
 * `small` takes 4x4, so a run compiles the matmul once (its compile is the slowest of all kernels on
 * SwiftShader before its epilogue became a loop, and the step time measured the same with either shape).
 */
function workgroupShape(M: number, N: number): number {
  return groups(M, BLOCK * 4) * groups(N, BLOCK * 4) > MAX_SMALL_GROUPS ? 8 : 4;
}

/** The epilogue beyond MatmulOptions: GELU of the result (before any accumulation). */
interface Epilogue extends MatmulOptions {
  gelu?: boolean;
}

/** The Params uniform of matmul.wgsl: sizes and the epilogue flags (1 accumulate, 2 bias, 4 gelu). */
function matmulUniform(M: number, K: number, N: number, hasBias: boolean, o: Epilogue): Uint8Array {
  return new UniformWriter()
    .u32(M)
    .u32(K)
    .u32(N)
    .u32((o.accumulate ? 1 : 0) | (hasBias ? 2 : 0) | (o.gelu ? 4 : 0))
    .bytes();
}

/**
 * out (M,N) = op(a) · op(b) (+ bias (N) on every row), or out += op(a) · op(b) with `accumulate`.
 * op(a) is (M,K): a stored (M,K), or (K,M) with transA. op(b) is (K,N): b stored (K,N), or (N,K)
 * with transB. `bias` null means no bias.
 */
export function matmul(
  gpu: Gpu,
  out: Buf,
  a: Buf,
  b: Buf,
  bias: Buf | null,
  M: number,
  K: number,
  N: number,
  opts: MatmulOptions = {},
): Dispatch {
  if (opts.accumulate && bias)
    throw new Error('matmul: accumulate with a bias is not supported (add the bias once, in the forward pass)');
  return matmulEpilogue(gpu, out, a, b, bias, M, K, N, opts);
}

function matmulEpilogue(
  gpu: Gpu,
  out: Buf,
  a: Buf,
  b: Buf,
  bias: Buf | null,
  M: number,
  K: number,
  N: number,
  opts: Epilogue,
): Dispatch {
  const wg = workgroupShape(M, N);
  return makeDispatch(gpu, {
    name: 'matmul',
    code: matmulCode,
    constants: { TRANS_A: opts.transA ? 1 : 0, TRANS_B: opts.transB ? 1 : 0, WG_X: wg, WG_Y: wg },
    // Without a bias, binding 3 still needs a buffer: `a` is bound there and never read.
    buffers: [out, a, b, bias ?? a],
    uniform: matmulUniform(M, K, N, bias !== null, opts),
    workgroups: [groups(N, BLOCK * wg), groups(M, BLOCK * wg)],
    note: `${M}x${K}x${N}${opts.transA ? ' aT' : ''}${opts.transB ? ' bT' : ''}${opts.accumulate ? ' +=' : ''}${opts.gelu ? ' gelu' : ''}`,
  });
}

/** out (M,N) = gelu(inp (M,K) · weight (K,N) + bias (N)): the MLP's first layer when decoding. */
export function matmulGelu(
  gpu: Gpu,
  out: Buf,
  inp: Buf,
  weight: Buf,
  bias: Buf | null,
  M: number,
  K: number,
  N: number,
): Dispatch {
  return matmulEpilogue(gpu, out, inp, weight, bias, M, K, N, { gelu: true });
}

/** x (M,N) += inp (M,K) · weight (K,N) + bias (N): a residual branch added into the stream in place (decoding). */
export function matmulResidual(
  gpu: Gpu,
  x: Buf,
  inp: Buf,
  weight: Buf,
  bias: Buf | null,
  M: number,
  K: number,
  N: number,
): Dispatch {
  return matmulEpilogue(gpu, x, inp, weight, bias, M, K, N, { accumulate: true });
}

/** dbias (N) += column sums of dout (M,N). */
export function matmulBiasBackward(gpu: Gpu, dbias: Buf, dout: Buf, M: number, N: number): Dispatch {
  return makeDispatch(gpu, {
    name: 'matmul_bias_backward',
    code: biasBackwardCode,
    constants: { WG: BIAS_WG },
    buffers: [dbias, dout],
    uniform: new UniformWriter().u32(M).u32(N).bytes(),
    workgroups: [groups(N, BIAS_WG)],
  });
}

/** out (M,N) = inp (M,K) · weight (K,N) + bias (N); bias may be null. */
export function matmulForward(
  gpu: Gpu,
  out: Buf,
  inp: Buf,
  weight: Buf,
  bias: Buf | null,
  M: number,
  K: number,
  N: number,
): Dispatch {
  return matmul(gpu, out, inp, weight, bias, M, K, N);
}

/**
 * Backward of matmulForward: dinp (M,K) += dout (M,N) · weightᵀ; dweight (K,N) += inpᵀ · dout;
 * dbias (N) += column sums of dout (skipped when dbias is null).
 */
export function matmulBackward(
  gpu: Gpu,
  dinp: Buf,
  dweight: Buf,
  dbias: Buf | null,
  dout: Buf,
  inp: Buf,
  weight: Buf,
  M: number,
  K: number,
  N: number,
): Dispatch[] {
  const ds = [
    matmul(gpu, dinp, dout, weight, null, M, N, K, { transB: true, accumulate: true }),
    matmul(gpu, dweight, inp, dout, null, K, M, N, { transA: true, accumulate: true }),
  ];
  if (dbias) ds.push(matmulBiasBackward(gpu, dbias, dout, M, N));
  return ds;
}

/** out (M,N) = inp (M,K) · weightᵀ, weight stored (N,K): the tied output layer, logits = x·Wteᵀ. */
export function matmulTransBForward(
  gpu: Gpu,
  out: Buf,
  inp: Buf,
  weight: Buf,
  M: number,
  K: number,
  N: number,
): Dispatch {
  return matmul(gpu, out, inp, weight, null, M, K, N, { transB: true });
}

/** Backward of matmulTransBForward: dinp (M,K) += dout (M,N) · weight (N,K); dweight (N,K) += doutᵀ · inp. */
export function matmulTransBBackward(
  gpu: Gpu,
  dinp: Buf,
  dweight: Buf,
  dout: Buf,
  inp: Buf,
  weight: Buf,
  M: number,
  K: number,
  N: number,
): Dispatch[] {
  return [
    matmul(gpu, dinp, dout, weight, null, M, N, K, { accumulate: true }),
    matmul(gpu, dweight, dout, inp, null, N, M, K, { transA: true, accumulate: true }),
  ];
}
