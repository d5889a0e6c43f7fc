// Sampling kernel: binds buffers and builds the dispatch of shaders/sample.wgsl (one token per row of
// logits, temperature / top-k / top-p, counter-based RNG). Not the rollout bookkeeping: appending the
// token and ending rows is src/kernels/rollout_advance.ts, which also advances the step counter.
// Seed and settings live in the uniform: rewrite it with sampleParamsUniform, no new dispatch needed.

import sampleCode from '../../shaders/sample.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import type { SampleParams } from '../ref/sample';
import { grid1d } from './grid';

export type { SampleParams } from '../ref/sample';

/** Threads per row: a power of two, about V/8 elements' worth, between 32 and 256. */
export function sampleWorkgroupSize(V: number): number {
  let wg = 32;
  while (wg < 256 && wg * 8 < V) wg *= 2;
  return wg;
}

/** The Params uniform of sample_tokens; rewrite a Dispatch's uniform with it to change seed or settings. */
export function sampleParamsUniform(S: number, V: number, p: SampleParams): Uint8Array {
  if (!Number.isInteger(p.topK) || p.topK < 0)
    throw new Error(`sampleTokens: topK must be a non-negative integer, got ${p.topK}`);
  if (!(p.temperature >= 0) || Number.isNaN(p.topP))
    throw new Error(`sampleTokens: temperature must be >= 0 and topP a number, got ${p.temperature} and ${p.topP}`);
  return new UniformWriter()
    .u32(S)
    .u32(V)
    .f32(p.temperature)
    .u32(p.topK)
    .f32(p.topP)
    .u32(p.seed >>> 0)
    .bytes();
}

/** Rows per workgroup of the thread-per-row entry point. */
const ROWS_WG = 64;

/** True when the settings need no top-k or top-p threshold: the thread-per-row entry point serves them. */
export function plainSampling(V: number, p: SampleParams): boolean {
  return (p.topK === 0 || p.topK >= V) && p.topP >= 1;
}

/**
 * next (S) i32 = one token per row of logits (S,V), drawn with u = hash(seed, row, counter (1)[0]).
 * Settings without top-k and top-p take the `rows` entry point (one thread per row, no barriers); the
 * uniform may then be rewritten only with settings that also have neither.
 */
export function sampleTokens(
  gpu: Gpu,
  next: Buf,
  logits: Buf,
  counter: Buf,
  S: number,
  V: number,
  p: SampleParams,
): Dispatch {
  if (plainSampling(V, p)) {
    return makeDispatch(gpu, {
      name: 'sample_tokens',
      code: sampleCode,
      entryPoint: 'rows',
      constants: { WG: ROWS_WG },
      buffers: [next, logits, counter],
      uniform: sampleParamsUniform(S, V, p),
      workgroups: grid1d(S, ROWS_WG),
    });
  }
  return makeDispatch(gpu, {
    name: 'sample_tokens',
    code: sampleCode,
    constants: { WG: sampleWorkgroupSize(V) },
    buffers: [next, logits, counter],
    uniform: sampleParamsUniform(S, V, p),
    workgroups: grid1d(S, 1),
  });
}
