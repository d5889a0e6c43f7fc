// Ops<X> on the CPU: every call goes straight to the plain-loop reference in src/ref.
// Used by the whole-model test (GPU against CPU) and by anyone who wants to read the math.

import type { Ops } from './ops';
import * as encoder from '../ref/encoder';
import * as layernorm from '../ref/layernorm';
import * as matmul from '../ref/matmul';
import * as attention from '../ref/attention';
import * as gelu from '../ref/gelu';
import * as residual from '../ref/residual';
import * as crossentropy from '../ref/crossentropy';

export type CpuTensor = Float32Array | Int32Array;
const f = (x: CpuTensor) => x as Float32Array;
const i = (x: CpuTensor) => x as Int32Array;

export const cpuOps: Ops<CpuTensor> = {
  encoderForward: (out, tokens, wte, wpe, B, T, C) =>
    encoder.encoderForward(f(out), i(tokens), f(wte), f(wpe), B, T, C),
  encoderBackward: (dwte, dwpe, dout, tokens, B, T, C, V) =>
    encoder.encoderBackward(f(dwte), f(dwpe), f(dout), i(tokens), B, T, C, V),
  layernormForward: (out, mean, rstd, inp, w, b, N, C) =>
    layernorm.layernormForward(f(out), f(mean), f(rstd), f(inp), f(w), f(b), N, C),
  layernormBackward: (dinp, dw, db, dout, inp, w, mean, rstd, N, C) =>
    layernorm.layernormBackward(f(dinp), f(dw), f(db), f(dout), f(inp), f(w), f(mean), f(rstd), N, C),
  matmulForward: (out, inp, w, b, M, K, N) => matmul.matmulForward(f(out), f(inp), f(w), b ? f(b) : null, M, K, N),
  matmulBackward: (dinp, dw, db, dout, inp, w, M, K, N) =>
    matmul.matmulBackward(f(dinp), f(dw), db ? f(db) : null, f(dout), f(inp), f(w), M, K, N),
  matmulTransBForward: (out, inp, w, M, K, N) => matmul.matmulTransBForward(f(out), f(inp), f(w), M, K, N),
  matmulTransBBackward: (dinp, dw, dout, inp, w, M, K, N) =>
    matmul.matmulTransBBackward(f(dinp), f(dw), f(dout), f(inp), f(w), M, K, N),
  attentionForward: (out, att, qkv, B, T, C, NH) => attention.attentionForward(f(out), f(att), f(qkv), B, T, C, NH),
  attentionBackward: (dqkv, datt, dout, qkv, att, B, T, C, NH) =>
    attention.attentionBackward(f(dqkv), f(datt), f(dout), f(qkv), f(att), B, T, C, NH),
  geluForward: (out, inp, N) => gelu.geluForward(f(out), f(inp), N),
  geluBackward: (dinp, inp, dout, N) => gelu.geluBackward(f(dinp), f(inp), f(dout), N),
  residualForward: (out, a, b, N) => residual.residualForward(f(out), f(a), f(b), N),
  residualBackward: (da, db, dout, N) => residual.residualBackward(f(da), f(db), f(dout), N),
  crossentropyForward: (losses, logits, targets, N, V) =>
    crossentropy.crossentropyForward(f(losses), f(logits), i(targets), N, V),
  crossentropyBackward: (dlogits, logits, targets, dlosses, N, V) =>
    crossentropy.crossentropyBackward(f(dlogits), f(logits), i(targets), f(dlosses), N, V),
  zero: (buf, N) => buf.fill(0, 0, N),
};
