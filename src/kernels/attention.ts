// Causal multi-head self-attention kernels: bind buffers and build the dispatches of
// shaders/attention_*.wgsl (forward: scores, softmax, output; backward: datt, softmax backward,
// dq/dk/dv). Every pass writes only what its own thread owns, so no atomics; not a fused attention.
// Head sizes that are multiples of 4 (8 for dq/dk/dv) take the vec4 entry points, where each thread
// covers several keys or channels and every load of att/datt/q/dout serves all of them.

import scoresCode from '../../shaders/attention_scores.wgsl?raw';
import softmaxCode from '../../shaders/attention_softmax.wgsl?raw';
import forwardCode from '../../shaders/attention_forward.wgsl?raw';
import dattCode from '../../shaders/attention_datt.wgsl?raw';
import softmaxBackwardCode from '../../shaders/attention_softmax_backward.wgsl?raw';
import backwardCode from '../../shaders/attention_backward.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import { checkAttentionShape } from '../ref/attention';
import { grid1d } from './grid';

const WG = 64;

/** The Params uniform shared by every attention shader: { B, T, C, NH, scale = 1/sqrt(HS) }. */
function params(B: number, T: number, C: number, NH: number): Uint8Array {
  checkAttentionShape(B, T, C, NH);
  return new UniformWriter()
    .u32(B)
    .u32(T)
    .u32(C)
    .u32(NH)
    .f32(1 / Math.sqrt(C / NH))
    .bytes();
}

/** Entry point, override constants and grid for `threads` threads. */
function entry(entryPoint: string, threads: number) {
  return { entryPoint, constants: { WG }, workgroups: grid1d(threads, WG) };
}

/** out (B,T,C) = causal attention of qkv (B,T,3C); att (B,NH,T,T) receives the probabilities. */
export function attentionForward(
  gpu: Gpu,
  out: Buf,
  att: Buf,
  qkv: Buf,
  B: number,
  T: number,
  C: number,
  NH: number,
): Dispatch[] {
  const uniform = params(B, T, C, NH);
  const vec4 = (C / NH) % 4 === 0;
  return [
    makeDispatch(gpu, {
      name: 'attention_scores',
      code: scoresCode,
      buffers: [att, qkv],
      uniform,
      ...(vec4 ? entry('main4', B * NH * T * Math.ceil(T / 4)) : entry('main', B * NH * T * T)),
    }),
    makeDispatch(gpu, {
      name: 'attention_softmax',
      code: softmaxCode,
      buffers: [att],
      uniform,
      ...entry('main', B * NH * T),
    }),
    makeDispatch(gpu, {
      name: 'attention_forward',
      code: forwardCode,
      buffers: [out, att, qkv],
      uniform,
      ...(vec4 ? entry('main4', (B * T * C) / 4) : entry('main', B * T * C)),
    }),
  ];
}

/**
 * dqkv (B,T,3C) += gradient through the attention; datt (B,NH,T,T) is scratch, overwritten (it ends
 * holding the gradient of the dot products q.k). att is the forward's saved probabilities.
 */
export function attentionBackward(
  gpu: Gpu,
  dqkv: Buf,
  datt: Buf,
  dout: Buf,
  qkv: Buf,
  att: Buf,
  B: number,
  T: number,
  C: number,
  NH: number,
): Dispatch[] {
  const uniform = params(B, T, C, NH);
  const HS = C / NH;
  return [
    makeDispatch(gpu, {
      name: 'attention_datt',
      code: dattCode,
      buffers: [datt, dout, qkv],
      uniform,
      ...(HS % 4 === 0 ? entry('main4', B * NH * T * Math.ceil(T / 4)) : entry('main', B * NH * T * T)),
    }),
    makeDispatch(gpu, {
      name: 'attention_softmax_backward',
      code: softmaxBackwardCode,
      buffers: [datt, att],
      uniform,
      ...entry('main', B * NH * T),
    }),
    makeDispatch(gpu, {
      name: 'attention_backward',
      code: backwardCode,
      buffers: [dqkv, datt, dout, qkv, att],
      uniform,
      ...(HS % 8 === 0 ? entry('main8', (B * T * C) / 8) : entry('main', B * T * C)),
    }),
  ];
}
