// Sampling kernels: bind buffers and build dispatches for shaders/sample.wgsl (one token per row),
// shaders/append_tokens.wgsl and shaders/counter_increment.wgsl. A decode step encodes
// sampleTokens then appendTokens; no per-step uniform writes or readbacks are needed.

import sampleCode from '../../shaders/sample.wgsl?raw';
import appendCode from '../../shaders/append_tokens.wgsl?raw';
import counterCode from '../../shaders/counter_increment.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import type { SampleParams } from '../ref/sample';
import { grid1d } from './grid';

export { DONE_EOS, DONE_TRUNCATED, type SampleParams } from '../ref/sample';

/** Threads per row: a power of two, about V/8 elements' worth, between 32 and 256. */
export function sampleWorkgroupSize(V: number): number {
  let wg = 32;
  while (wg < 256 && wg * 8 < V) wg *= 2;
  return wg;
}

/** The Params uniform of sample_tokens; rewrite a Dispatch's uniform with it to change seed or settings. */
export function sampleParamsUniform(S: number, V: number, p: SampleParams): Uint8Array {
  if (!Number.isInteger(p.topK) || p.topK < 0) throw new Error(`sampleTokens: topK must be a non-negative integer, got ${p.topK}`);
  return new UniformWriter().u32(S).u32(V).f32(p.temperature).u32(p.topK).f32(p.topP).u32(p.seed >>> 0).bytes();
}

/** next (S) i32 = one token per row of logits (S,V), drawn with u = hash(seed, row, counter[0]). */
export function sampleTokens(gpu: Gpu, next: Buf, logits: Buf, counter: Buf, S: number, V: number, p: SampleParams): Dispatch {
  return makeDispatch(gpu, {
    name: 'sample_tokens', code: sampleCode, constants: { WG: sampleWorkgroupSize(V) },
    buffers: [next, logits, counter], uniform: sampleParamsUniform(S, V, p), workgroups: grid1d(S, 1),
  });
}

/**
 * For rows not done: seqs (S,Tmax)[s, lengths[s]] = next[s], lengths (S)++, done (S) = DONE_EOS on
 * eosId or DONE_TRUNCATED at min(stopLength, Tmax) tokens; then counter (1) += 1 as a second dispatch.
 */
export function appendTokens(
  gpu: Gpu, seqs: Buf, lengths: Buf, done: Buf, counter: Buf, next: Buf,
  S: number, Tmax: number, eosId: number, stopLength: number,
): Dispatch[] {
  const WG = 64;
  const rows = makeDispatch(gpu, {
    name: 'append_tokens', code: appendCode, constants: { WG },
    buffers: [seqs, lengths, done, next],
    uniform: new UniformWriter().u32(S).u32(Tmax).i32(eosId).u32(stopLength).bytes(), workgroups: grid1d(S, WG),
  });
  const bump = makeDispatch(gpu, { name: 'counter_increment', code: counterCode, buffers: [counter], workgroups: [1] });
  return [rows, bump];
}
