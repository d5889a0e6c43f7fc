// Weighted sum reduction kernel: binds buffers and builds the dispatch for shaders/weighted_sum.wgsl.
// A single-workgroup tree reduction: deterministic, no scratch buffer, no atomics.

import code from '../../shaders/weighted_sum.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';

const WG = 16; // SwiftShader compiles the unrolled barrier tree in ~8 ms at 16 threads, ~41 ms at 256

/** out (1) = sum_n values (N) * weights (N); overwrites out[0]. */
export function weightedSum(gpu: Gpu, out: Buf, values: Buf, weights: Buf, N: number): Dispatch[] {
  return [
    makeDispatch(gpu, {
      name: 'weighted_sum',
      code,
      constants: { WG },
      buffers: [out, values, weights],
      uniform: new UniformWriter().u32(N).bytes(),
      workgroups: [1],
    }),
  ];
}
