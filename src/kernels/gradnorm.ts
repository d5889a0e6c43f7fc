// Squared global gradient norm: binds buffers and builds the two dispatches of shaders/gradnorm.wgsl
// (per-chunk partial sums, then one workgroup summing the partials). The result stays on the GPU for
// adamw.ts to read; nothing is read back here.

import code from '../../shaders/gradnorm.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import { grid1d } from './grid';

// 16 threads: SwiftShader compiles a barrier-tree reduction in ~9 ms at 16 threads, ~15 ms at 64 and
// ~41 ms at 256 (the tree is unrolled, one barrier a level); 29 workgroups of 16 threads x 256
// elements still cover the small model's 117K gradients in parallel.
const WG = 16;
const ITEMS = 256;
/** Elements summed by one workgroup of the first stage. */
export const GRADNORM_CHUNK = WG * ITEMS;

/** Length of the `partials` scratch buffer that gradNormSquared needs for N gradients. */
export function gradNormPartialsLength(N: number): number {
  return Math.max(1, Math.ceil(N / GRADNORM_CHUNK));
}

/** out (1) = sum of grads (N) squared; partials (gradNormPartialsLength(N)) is scratch, overwritten. */
export function gradNormSquared(gpu: Gpu, out: Buf, partials: Buf, grads: Buf, N: number): Dispatch[] {
  if (!Number.isInteger(N) || N < 1) throw new Error(`gradNormSquared: N must be a positive integer, got ${N}`);
  const P = gradNormPartialsLength(N);
  return [
    makeDispatch(gpu, {
      name: 'gradnorm',
      code,
      entryPoint: 'partial',
      constants: { WG, ITEMS },
      buffers: [partials, grads],
      uniform: new UniformWriter().u32(N).bytes(),
      workgroups: grid1d(P, 1),
    }),
    makeDispatch(gpu, {
      name: 'gradnorm',
      code,
      entryPoint: 'total',
      constants: { WG },
      buffers: [out, partials],
      uniform: new UniformWriter().u32(P).bytes(),
      workgroups: [1],
    }),
  ];
}
