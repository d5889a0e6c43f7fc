// AdamW kernel: binds buffers and builds the dispatch of shaders/adamw.wgsl, plus setHyper, which
// rewrites the kernel's uniform in place each step (no new buffers). The clipping norm is read from
// a GPU buffer (gradnorm.ts output) by the shader itself: no readback anywhere in the update.

import code from '../../shaders/adamw.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import { checkAdamwHyper, type AdamwHyper } from '../ref/adamw';
import { grid1d } from './grid';

export type { AdamwHyper };

export interface AdamwKernel {
  dispatch: Dispatch;
  /** Writes this step's hyperparameters into the uniform; takes effect for the next submitted dispatch. */
  setHyper(device: GPUDevice, h: AdamwHyper): void;
}

const WG = 256;

/** Packs Params { N, step, lr, beta1, beta2, eps, weightDecay, maxGradNorm, bc1, bc2 }; null: step 0, a no-op. */
function pack(N: number, h: AdamwHyper | null): Uint8Array {
  const w = new UniformWriter().u32(N);
  if (!h) return w.u32(0).f32(0).f32(0).f32(0).f32(1).f32(0).f32(0).f32(1).f32(1).bytes();
  const bc1 = 1 - Math.pow(h.beta1, h.step);
  const bc2 = 1 - Math.pow(h.beta2, h.step);
  return w
    .u32(h.step)
    .f32(h.lr)
    .f32(h.beta1)
    .f32(h.beta2)
    .f32(h.eps)
    .f32(h.weightDecay)
    .f32(h.maxGradNorm)
    .f32(bc1)
    .f32(bc2)
    .bytes();
}

/**
 * params, m, v (N) updated in place from grads (N), decayMask (N) and gradNormSq (1). The dispatch
 * does nothing until setHyper has been called; it also skips the step when gradNormSq is NaN or Inf.
 */
export function adamw(
  gpu: Gpu,
  params: Buf,
  m: Buf,
  v: Buf,
  grads: Buf,
  decayMask: Buf,
  gradNormSq: Buf,
  N: number,
): AdamwKernel {
  if (!Number.isInteger(N) || N < 1) throw new Error(`adamw: N must be a positive integer, got ${N}`);
  const dispatch = makeDispatch(gpu, {
    name: 'adamw',
    code,
    constants: { WG },
    buffers: [params, m, v, grads, decayMask, gradNormSq],
    uniform: pack(N, null),
    workgroups: grid1d(N, WG),
  });
  const uniform = dispatch.uniform as GPUBuffer;
  return {
    dispatch,
    setHyper(device: GPUDevice, h: AdamwHyper): void {
      checkAdamwHyper(h);
      const bytes = pack(N, h);
      device.queue.writeBuffer(uniform, 0, bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
  };
}
