// Kernel checks in the style of tinygrad's helper_test_op: given named inputs, the starting contents
// of everything the op writes, a CPU reference and the GPU op, runs both from identical data and
// compares every written buffer with its own tolerance, |gpu - ref| <= atol + rtol * |ref|. Forward
// outputs and gradients get separate tolerances; a failure names the output, the worst index and the
// first mismatches (compare.ts). Gradients must start non-zero, so accumulation (+=) is checked too.

import { readF32, readI32, readU32 } from '../../src/gpu/buffers';
import { releaseDispatches, type Dispatch, type Gpu } from '../../src/gpu/dispatch';
import { assertClose } from './compare';
import { testGpu, toGpu, run } from './gpu';

export type HostArray = Float32Array | Int32Array | Uint32Array;
type Arrays = Record<string, HostArray>;
/** [atol, rtol]. */
export type Tol = readonly [number, number];
/** Exact equality. */
export const EXACT: Tol = [0, 0];

export interface OpCase<I extends Arrays, O extends Arrays, G extends Arrays> {
  /** Prefix of every failure message, e.g. `layernorm N=7 C=33`. */
  name: string;
  /** Read-only inputs, uploaded as they are. */
  inputs: I;
  /** Forward outputs with their starting contents (zeros or garbage: the op must overwrite them). */
  outputs: O;
  /** Gradients the op accumulates into, with non-zero starting contents. */
  grads?: G;
  /** The CPU reference: writes into copies of `outputs` and `grads`, starting from the same contents. */
  ref: (a: I & O & G) => void;
  /** The GPU op: its dispatches over one storage buffer per input, output and gradient, same names. */
  gpu: (g: Gpu, b: Record<keyof I | keyof O | keyof G, GPUBuffer>) => Dispatch | Dispatch[];
  /** Tolerance of every forward output. */
  forwardTol?: Tol;
  /** Tolerance of every gradient. */
  gradTol?: Tol;
  /**
   * Per-name overrides: a Tol, a list of Tols for a row-major (n, k) output whose k columns differ
   * (column c uses list[c]), or null for scratch that is not compared.
   */
  tol?: Partial<Record<keyof O | keyof G, Tol | readonly Tol[] | null>>;
  /** Runs the op this many more times, requiring the forward outputs to repeat bit for bit. */
  repeats?: number;
}

export interface OpResult<O extends Arrays, G extends Arrays> {
  got: { [K in keyof O | keyof G]: HostArray };
  want: O & G;
}

function read(g: Gpu, b: GPUBuffer, like: HostArray): Promise<HostArray> {
  if (like instanceof Int32Array) return readI32(g.device, b, like.length);
  if (like instanceof Uint32Array) return readU32(g.device, b, like.length);
  return readF32(g.device, b, like.length);
}

/** assertClose with a Tol, or with one Tol per column of a row-major (n, k) array. */
export function expectClose(
  name: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: Tol | readonly Tol[],
): void {
  if (typeof tol[0] === 'number') return assertClose(name, got, want, (tol as Tol)[0], (tol as Tol)[1]);
  const cols = tol as readonly Tol[];
  const k = cols.length;
  if (want.length % k !== 0) throw new Error(`${name}: ${want.length} elements do not split into ${k} columns`);
  const col = (a: ArrayLike<number>, c: number) => Array.from({ length: a.length / k }, (_, r) => a[r * k + c]);
  cols.forEach(([atol, rtol], c) => assertClose(`${name} column ${c}`, col(got, c), col(want, c), atol, rtol));
}

/** Runs the case on the CPU reference and the GPU, compares, frees its GPU objects, returns both results. */
export async function checkOp<I extends Arrays, O extends Arrays, G extends Arrays = Record<never, HostArray>>(
  c: OpCase<I, O, G>,
): Promise<OpResult<O, G>> {
  const g = await testGpu();
  const grads = (c.grads ?? {}) as G;
  for (const [k, a] of Object.entries(grads)) {
    if (a.every((x) => x === 0))
      throw new Error(`${c.name}: gradient ${k} starts at zero, so += is not checked; pre-fill it`);
  }
  const written = { ...c.outputs, ...grads } as O & G;
  const all = { ...c.inputs, ...written };
  const names = Object.keys(all);
  const dup = Object.keys(c.inputs).find((k) => k in written) ?? Object.keys(c.outputs).find((k) => k in grads);
  if (dup) throw new Error(`${c.name}: "${dup}" is named twice`);

  const bufs = Object.fromEntries(names.map((k) => [k, toGpu(g, all[k], `${c.name}:${k}`)])) as Record<
    keyof I | keyof O | keyof G,
    GPUBuffer
  >;
  const want = Object.fromEntries(Object.entries(written).map(([k, a]) => [k, a.slice()])) as O & G;
  let ds: Dispatch[] = [];
  try {
    c.ref({ ...c.inputs, ...want });
    const d = c.gpu(g, bufs);
    ds = Array.isArray(d) ? d : [d];
    await run(g, ds);
    const got = {} as OpResult<O, G>['got'];
    for (const k of Object.keys(written) as (keyof O | keyof G)[]) got[k] = await read(g, bufs[k], written[k]);
    const failures: string[] = []; // every output is compared, so one report shows forward and gradients
    for (const k of Object.keys(written) as (keyof O & string)[]) {
      const isGrad = k in grads;
      const tol = c.tol && k in c.tol ? c.tol[k] : isGrad ? c.gradTol : c.forwardTol;
      if (tol === undefined)
        throw new Error(`${c.name}: no tolerance for ${k} (set ${isGrad ? 'gradTol' : 'forwardTol'})`);
      try {
        if (tol !== null) expectClose(`${c.name} ${isGrad ? 'gradient' : 'output'} ${k}`, got[k], want[k], tol);
      } catch (e) {
        failures.push((e as Error).message);
      }
    }
    if (failures.length) throw new Error(failures.join('\n'));
    for (let r = 1; r <= (c.repeats ?? 0); r++) {
      await run(g, ds);
      for (const k of Object.keys(c.outputs) as (keyof O & string)[]) {
        expectClose(`${c.name} ${k} (repeat ${r})`, await read(g, bufs[k], written[k]), got[k], EXACT);
      }
    }
    return { got, want };
  } finally {
    releaseDispatches(ds);
    for (const b of Object.values(bufs) as GPUBuffer[]) b.destroy();
  }
}
