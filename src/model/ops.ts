// The op set the model is written against. The same forward/backward code (gpt.ts) runs on the
// CPU references (src/ref) and on the WGSL kernels (src/kernels): both implement Ops with the
// same argument order, outputs first, then inputs, then dims. X is the tensor handle type.

export interface Ops<X> {
  encoderForward(out: X, tokens: X, wte: X, wpe: X, B: number, T: number, C: number): void;
  encoderBackward(dwte: X, dwpe: X, dout: X, tokens: X, B: number, T: number, C: number, V: number): void;
  layernormForward(out: X, mean: X, rstd: X, inp: X, weight: X, bias: X, N: number, C: number): void;
  layernormBackward(
    dinp: X,
    dweight: X,
    dbias: X,
    dout: X,
    inp: X,
    weight: X,
    mean: X,
    rstd: X,
    N: number,
    C: number,
  ): void;
  matmulForward(out: X, inp: X, weight: X, bias: X | null, M: number, K: number, N: number): void;
  matmulBackward(
    dinp: X,
    dweight: X,
    dbias: X | null,
    dout: X,
    inp: X,
    weight: X,
    M: number,
    K: number,
    N: number,
  ): void;
  matmulTransBForward(out: X, inp: X, weight: X, M: number, K: number, N: number): void;
  matmulTransBBackward(dinp: X, dweight: X, dout: X, inp: X, weight: X, M: number, K: number, N: number): void;
  attentionForward(out: X, att: X, qkv: X, B: number, T: number, C: number, NH: number): void;
  attentionBackward(dqkv: X, datt: X, dout: X, qkv: X, att: X, B: number, T: number, C: number, NH: number): void;
  geluForward(out: X, inp: X, N: number): void;
  geluBackward(dinp: X, inp: X, dout: X, N: number): void;
  residualForward(out: X, inp1: X, inp2: X, N: number): void;
  residualBackward(dinp1: X, dinp2: X, dout: X, N: number): void;
  crossentropyForward(losses: X, logits: X, targets: X, N: number, V: number): void;
  crossentropyBackward(dlogits: X, logits: X, targets: X, dlosses: X, N: number, V: number): void;
  zero(buf: X, N: number): void;
}
