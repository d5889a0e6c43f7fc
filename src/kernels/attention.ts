// Causal multi-head self-attention kernels: bind buffers and build the dispatches of
// shaders/attention_*.wgsl (forward: scores, softmax, output; backward: datt, softmax backward,
// dq/dk/dv). Every pass writes only what its own thread owns, so no atomics; not a fused attention.

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
  return new UniformWriter().u32(B).u32(T).u32(C).u32(NH).f32(1 / Math.sqrt(C / NH)).bytes();
}

/** out (B,T,C) = causal attention of qkv (B,T,3C); att (B,NH,T,T) receives the probabilities. */
export function attentionForward(gpu: Gpu, out: Buf, att: Buf, qkv: Buf, B: number, T: number, C: number, NH: number): Dispatch[] {
  const uniform = params(B, T, C, NH);
  const constants = { WG };
  return [
    makeDispatch(gpu, {
      name: 'attention_scores', code: scoresCode, constants,
      buffers: [att, qkv], uniform, workgroups: grid1d(B * NH * T * T, WG),
    }),
    makeDispatch(gpu, {
      name: 'attention_softmax', code: softmaxCode, constants,
      buffers: [att], uniform, workgroups: grid1d(B * NH * T, WG),
    }),
    makeDispatch(gpu, {
      name: 'attention_forward', code: forwardCode, constants,
      buffers: [out, att, qkv], uniform, workgroups: grid1d(B * T * C, WG),
    }),
  ];
}

/**
 * dqkv (B,T,3C) += gradient through the attention; datt (B,NH,T,T) is scratch, overwritten (it ends
 * holding the gradient of the dot products q.k). att is the forward's saved probabilities.
 */
export function attentionBackward(
  gpu: Gpu, dqkv: Buf, datt: Buf, dout: Buf, qkv: Buf, att: Buf, B: number, T: number, C: number, NH: number,
): Dispatch[] {
  const uniform = params(B, T, C, NH);
  const constants = { WG };
  return [
    makeDispatch(gpu, {
      name: 'attention_datt', code: dattCode, constants,
      buffers: [datt, dout, qkv], uniform, workgroups: grid1d(B * NH * T * T, WG),
    }),
    makeDispatch(gpu, {
      name: 'attention_softmax_backward', code: softmaxBackwardCode, constants,
      buffers: [datt, att], uniform, workgroups: grid1d(B * NH * T, WG),
    }),
    makeDispatch(gpu, {
      name: 'attention_backward', code: backwardCode, constants,
      buffers: [dqkv, datt, dout, qkv, att], uniform, workgroups: grid1d(B * T * C, WG),
    }),
  ];
}
