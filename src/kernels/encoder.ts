// Token + position embedding kernels: bind buffers and build dispatches for
// shaders/encoder_{forward,backward}.wgsl.

import forwardCode from '../../shaders/encoder_forward.wgsl?raw';
import backwardCode from '../../shaders/encoder_backward.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import { grid1d } from './grid';

const WG_FORWARD = 256;
const WG_BACKWARD = 16; // few threads ((V+T) * C/CH): small workgroups spread them over more cores
const CH = 32; // channels per backward thread: one scan of the tokens serves CH channels

/** out (B,T,C) = wte (V,C)[tokens (B,T)] + wpe (maxT,C)[t] */
export function encoderForward(
  gpu: Gpu,
  out: Buf,
  tokens: Buf,
  wte: Buf,
  wpe: Buf,
  B: number,
  T: number,
  C: number,
): Dispatch {
  return makeDispatch(gpu, {
    name: 'encoder_forward',
    code: forwardCode,
    constants: { WG: WG_FORWARD },
    buffers: [out, tokens, wte, wpe],
    uniform: new UniformWriter().u32(B).u32(T).u32(C).bytes(),
    workgroups: grid1d(B * T * C, WG_FORWARD),
  });
}

/** dwte (V,C) += scatter of dout (B,T,C) by tokens (B,T); dwpe (maxT,C) += sum over b of dout. One dispatch. */
export function encoderBackward(
  gpu: Gpu,
  dwte: Buf,
  dwpe: Buf,
  dout: Buf,
  tokens: Buf,
  B: number,
  T: number,
  C: number,
  V: number,
): Dispatch[] {
  return [
    makeDispatch(gpu, {
      name: 'encoder_backward',
      code: backwardCode,
      constants: { WG: WG_BACKWARD, CH },
      buffers: [dwte, dwpe, dout, tokens],
      uniform: new UniformWriter().u32(B).u32(T).u32(C).u32(V).bytes(),
      workgroups: grid1d((V + T) * Math.ceil(C / CH), WG_BACKWARD),
    }),
  ];
}
