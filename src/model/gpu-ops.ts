// Ops<Buf> on the GPU: every call records one or more Dispatches (built once, encoded every step).
// Nothing here runs a kernel; callers encode `dispatches` into a compute pass.

import type { Ops } from './ops';
import type { Buf, Dispatch, Gpu } from '../gpu/dispatch';
import * as encoder from '../kernels/encoder';
import * as layernorm from '../kernels/layernorm';
import * as matmul from '../kernels/matmul';
import * as attention from '../kernels/attention';
import * as gelu from '../kernels/gelu';
import * as residual from '../kernels/residual';
import * as crossentropy from '../kernels/crossentropy';
import { zeroBuffer } from '../kernels/zero';

export class GpuOps implements Ops<Buf> {
  dispatches: Dispatch[] = [];
  constructor(readonly gpu: Gpu) {}

  private add(d: Dispatch | Dispatch[]): void {
    if (Array.isArray(d)) this.dispatches.push(...d);
    else this.dispatches.push(d);
  }
  /** Returns the dispatches recorded so far and starts a new list. */
  take(): Dispatch[] {
    const out = this.dispatches;
    this.dispatches = [];
    return out;
  }

  encoderForward(out: Buf, tokens: Buf, wte: Buf, wpe: Buf, B: number, T: number, C: number) {
    this.add(encoder.encoderForward(this.gpu, out, tokens, wte, wpe, B, T, C));
  }
  encoderBackward(dwte: Buf, dwpe: Buf, dout: Buf, tokens: Buf, B: number, T: number, C: number, V: number) {
    this.add(encoder.encoderBackward(this.gpu, dwte, dwpe, dout, tokens, B, T, C, V));
  }
  layernormForward(out: Buf, mean: Buf, rstd: Buf, inp: Buf, w: Buf, b: Buf, N: number, C: number) {
    this.add(layernorm.layernormForward(this.gpu, out, mean, rstd, inp, w, b, N, C));
  }
  layernormBackward(
    dinp: Buf,
    dw: Buf,
    db: Buf,
    dout: Buf,
    inp: Buf,
    w: Buf,
    mean: Buf,
    rstd: Buf,
    N: number,
    C: number,
  ) {
    this.add(layernorm.layernormBackward(this.gpu, dinp, dw, db, dout, inp, w, mean, rstd, N, C));
  }
  matmulForward(out: Buf, inp: Buf, w: Buf, b: Buf | null, M: number, K: number, N: number) {
    this.add(matmul.matmulForward(this.gpu, out, inp, w, b, M, K, N));
  }
  matmulBackward(dinp: Buf, dw: Buf, db: Buf | null, dout: Buf, inp: Buf, w: Buf, M: number, K: number, N: number) {
    this.add(matmul.matmulBackward(this.gpu, dinp, dw, db, dout, inp, w, M, K, N));
  }
  matmulTransBForward(out: Buf, inp: Buf, w: Buf, M: number, K: number, N: number) {
    this.add(matmul.matmulTransBForward(this.gpu, out, inp, w, M, K, N));
  }
  matmulTransBBackward(dinp: Buf, dw: Buf, dout: Buf, inp: Buf, w: Buf, M: number, K: number, N: number) {
    this.add(matmul.matmulTransBBackward(this.gpu, dinp, dw, dout, inp, w, M, K, N));
  }
  attentionForward(out: Buf, att: Buf, qkv: Buf, B: number, T: number, C: number, NH: number) {
    this.add(attention.attentionForward(this.gpu, out, att, qkv, B, T, C, NH));
  }
  attentionBackward(dqkv: Buf, datt: Buf, dout: Buf, qkv: Buf, att: Buf, B: number, T: number, C: number, NH: number) {
    this.add(attention.attentionBackward(this.gpu, dqkv, datt, dout, qkv, att, B, T, C, NH));
  }
  geluForward(out: Buf, inp: Buf, N: number) {
    this.add(gelu.geluForward(this.gpu, out, inp, N));
  }
  geluBackward(dinp: Buf, inp: Buf, dout: Buf, N: number) {
    this.add(gelu.geluBackward(this.gpu, dinp, inp, dout, N));
  }
  residualForward(out: Buf, a: Buf, b: Buf, N: number) {
    this.add(residual.residualForward(this.gpu, out, a, b, N));
  }
  residualBackward(da: Buf, db: Buf, dout: Buf, N: number) {
    this.add(residual.residualBackward(this.gpu, da, db, dout, N));
  }
  crossentropyForward(losses: Buf, logits: Buf, targets: Buf, N: number, V: number) {
    this.add(crossentropy.crossentropyForward(this.gpu, losses, logits, targets, N, V));
  }
  crossentropyBackward(dlogits: Buf, logits: Buf, targets: Buf, dlosses: Buf, N: number, V: number) {
    this.add(crossentropy.crossentropyBackward(this.gpu, dlogits, logits, targets, dlosses, N, V));
  }
  zero(buf: Buf, N: number) {
    this.add(zeroBuffer(this.gpu, buf, N));
  }
}
