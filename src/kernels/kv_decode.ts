// KV-cache decoding kernels: bind buffers and build dispatches for shaders/encoder_at.wgsl,
// shaders/kv_write.wgsl, shaders/attention_decode.wgsl and shaders/attention_decode_kv.wgsl (the
// cache append and the attention in one dispatch, without barriers: what the decoder uses). Each computes ONE position per sequence,
// read from a GPU counter (1) u32, so decode steps need no uniform writes and no readback.
// Inference only: there is no backward (log-probabilities for the update come from full forwards).

import encoderAtCode from '../../shaders/encoder_at.wgsl?raw';
import kvWriteCode from '../../shaders/kv_write.wgsl?raw';
import attentionDecodeCode from '../../shaders/attention_decode.wgsl?raw';
import attentionDecodeKvCode from '../../shaders/attention_decode_kv.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import { checkDecodeShape } from '../ref/kv_decode';
import { grid1d } from './grid';

const WG = 256; // element-wise kernels
const WG_ATT = 64; // threads per (s,h) in attention_decode

/** out (S,C) = wte (V,C)[seqs (S,Tmax)[s,t]] + wpe (maxT,C)[t], t = counter (1)[0]. */
export function encoderAt(
  gpu: Gpu,
  out: Buf,
  seqs: Buf,
  counter: Buf,
  wte: Buf,
  wpe: Buf,
  S: number,
  C: number,
  Tmax: number,
): Dispatch {
  checkDecodeShape(S, C, 1, Tmax);
  return makeDispatch(gpu, {
    name: 'encoder_at',
    code: encoderAtCode,
    constants: { WG },
    buffers: [out, seqs, counter, wte, wpe],
    uniform: new UniformWriter().u32(S).u32(C).u32(Tmax).bytes(),
    workgroups: grid1d(S * C, WG),
  });
}

/** kcache (S,Tmax,C)[s,t] = k and vcache (S,Tmax,C)[s,t] = v of qkv (S,3C), t = counter (1)[0]. */
export function kvWrite(
  gpu: Gpu,
  kcache: Buf,
  vcache: Buf,
  qkv: Buf,
  counter: Buf,
  S: number,
  C: number,
  Tmax: number,
): Dispatch {
  checkDecodeShape(S, C, 1, Tmax);
  return makeDispatch(gpu, {
    name: 'kv_write',
    code: kvWriteCode,
    constants: { WG },
    buffers: [kcache, vcache, qkv, counter],
    uniform: new UniformWriter().u32(S).u32(C).u32(Tmax).bytes(),
    workgroups: grid1d(S * C, WG),
  });
}

/**
 * out (S,C) = causal attention of the query in qkv (S,3C) over kcache/vcache (S,Tmax,C) positions
 * 0..t inclusive, t = counter (1)[0]; scale 1/sqrt(HS), max-subtracted softmax per head.
 */
export function attentionDecode(
  gpu: Gpu,
  out: Buf,
  qkv: Buf,
  kcache: Buf,
  vcache: Buf,
  counter: Buf,
  S: number,
  C: number,
  NH: number,
  Tmax: number,
): Dispatch {
  checkDecodeShape(S, C, NH, Tmax);
  // Scores of one (s,h) row live in workgroup memory next to WG partials: 16 KiB by default.
  if ((Tmax + WG_ATT) * 4 > 16384)
    throw new Error(`attentionDecode: Tmax ${Tmax} exceeds the ${16384 / 4 - WG_ATT} positions workgroup memory holds`);
  return makeDispatch(gpu, {
    name: 'attention_decode',
    code: attentionDecodeCode,
    constants: { WG: WG_ATT, MAXT: Tmax },
    buffers: [out, qkv, kcache, vcache, counter],
    uniform: new UniformWriter()
      .u32(S)
      .u32(C)
      .u32(NH)
      .u32(Tmax)
      .f32(1 / Math.sqrt(C / NH))
      .bytes(),
    workgroups: grid1d(S * NH, 1),
  });
}

/**
 * kcache/vcache (S,Tmax,C)[s,t] = k and v of qkv (S,3C), then out (S,C) = causal attention of the
 * query over positions 0..t inclusive, t = counter (1)[0]: kvWrite and attentionDecode in one dispatch.
 */
export function attentionDecodeKv(
  gpu: Gpu,
  out: Buf,
  kcache: Buf,
  vcache: Buf,
  qkv: Buf,
  counter: Buf,
  S: number,
  C: number,
  NH: number,
  Tmax: number,
): Dispatch {
  checkDecodeShape(S, C, NH, Tmax);
  const G = Math.ceil(C / NH / 4); // channel groups of 4 per head, one thread each
  return makeDispatch(gpu, {
    name: 'attention_decode_kv',
    code: attentionDecodeKvCode,
    constants: { WG: WG_ATT },
    buffers: [out, kcache, vcache, qkv, counter],
    uniform: new UniformWriter()
      .u32(S)
      .u32(C)
      .u32(NH)
      .u32(Tmax)
      .f32(1 / Math.sqrt(C / NH))
      .bytes(),
    workgroups: grid1d(S * NH * G, WG_ATT),
  });
}
