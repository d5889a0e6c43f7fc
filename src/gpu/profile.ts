// Time per kernel of a recorded dispatch list (one training step, one RL update, one decode step).
// Two methods, and the result says which ran:
//  - 'timestamp-query': every dispatch in its own compute pass with timestampWrites (begin, end), all
//    in one command buffer, resolved and read back once; needs a device made with 'timestamp-query'.
//  - 'submit-per-kernel': every dispatch submitted alone and waited for (queue.onSubmittedWorkDone);
//    includes the submit round trip, so small kernels read high. Used when timestamps are missing.
// Each list runs `reps` times after one warm-up; the median per dispatch is reported.

import { encode, type Dispatch, type Gpu } from './dispatch';

export type ProfileMethod = 'timestamp-query' | 'submit-per-kernel';

export interface DispatchTime {
  index: number; // position in the list
  label: string; // kernel name
  note?: string; // shape or role
  ms: number; // median over reps
}

export interface Profile {
  method: ProfileMethod;
  dispatches: DispatchTime[];
  totalMs: number; // sum of the medians
}

const QUERY_RESOLVE = 0x0200,
  COPY_SRC = 0x0004,
  COPY_DST = 0x0008,
  MAP_READ = 0x0001;
const MAX_QUERIES = 4096; // per query set (Dawn's limit)

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Nanoseconds between begin and end of every dispatch of one run, through timestamp queries. */
async function timestampRun(
  gpu: Gpu,
  ds: readonly Dispatch[],
  before?: (enc: GPUCommandEncoder) => void,
): Promise<number[]> {
  const dev = gpu.device;
  const out: number[] = [];
  const per = MAX_QUERIES / 2;
  for (let c0 = 0; c0 < ds.length; c0 += per) {
    const chunk = ds.slice(c0, c0 + per);
    const n = 2 * chunk.length;
    const qs = dev.createQuerySet({ label: 'profile', type: 'timestamp', count: n });
    const resolve = dev.createBuffer({ label: 'profile:resolve', size: 8 * n, usage: QUERY_RESOLVE | COPY_SRC });
    const read = dev.createBuffer({ label: 'profile:read', size: 8 * n, usage: MAP_READ | COPY_DST });
    const enc = dev.createCommandEncoder({ label: 'profile' });
    if (c0 === 0) before?.(enc);
    chunk.forEach((d, i) => {
      const pass = enc.beginComputePass({
        label: d.label,
        timestampWrites: { querySet: qs, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 },
      });
      encode(pass, [d]);
      pass.end();
    });
    enc.resolveQuerySet(qs, 0, n, resolve, 0);
    enc.copyBufferToBuffer(resolve, 0, read, 0, 8 * n);
    dev.queue.submit([enc.finish()]);
    await read.mapAsync(MAP_READ);
    const t = new BigUint64Array(read.getMappedRange().slice(0));
    read.unmap();
    for (let i = 0; i < chunk.length; i++) out.push(t[2 * i + 1] > t[2 * i] ? Number(t[2 * i + 1] - t[2 * i]) : 0);
    qs.destroy();
    resolve.destroy();
    read.destroy();
  }
  return out;
}

/** Milliseconds of every dispatch of one run, each submitted alone and waited for. */
async function submitRun(
  gpu: Gpu,
  ds: readonly Dispatch[],
  before?: (enc: GPUCommandEncoder) => void,
): Promise<number[]> {
  const dev = gpu.device;
  if (before) {
    const enc = dev.createCommandEncoder({ label: 'profile:before' });
    before(enc);
    dev.queue.submit([enc.finish()]);
  }
  await dev.queue.onSubmittedWorkDone();
  const out: number[] = [];
  for (const d of ds) {
    const t0 = performance.now();
    const enc = dev.createCommandEncoder({ label: d.label });
    const pass = enc.beginComputePass({ label: d.label });
    encode(pass, [d]);
    pass.end();
    dev.queue.submit([enc.finish()]);
    await dev.queue.onSubmittedWorkDone();
    out.push((performance.now() - t0) * 1e6);
  }
  return out;
}

/**
 * Profiles one dispatch list. `before` is encoded at the start of every run (e.g. copies that reset
 * state the list changes, such as the decode position); it is not timed.
 */
export async function profileDispatches(
  gpu: Gpu,
  ds: readonly Dispatch[],
  reps = 5,
  before?: (enc: GPUCommandEncoder) => void,
): Promise<Profile> {
  const method: ProfileMethod = gpu.device.features.has('timestamp-query') ? 'timestamp-query' : 'submit-per-kernel';
  const run = method === 'timestamp-query' ? timestampRun : submitRun;
  await run(gpu, ds, before); // warm-up: pipelines, first-use allocations
  const runs: number[][] = [];
  for (let r = 0; r < reps; r++) runs.push(await run(gpu, ds, before));
  const dispatches = ds.map((d, i) => ({
    index: i,
    label: d.label,
    note: d.note,
    ms: median(runs.map((x) => x[i])) / 1e6,
  }));
  return { method, dispatches, totalMs: dispatches.reduce((a, d) => a + d.ms, 0) };
}

export interface KernelTotal {
  kernel: string; // label, with the note when grouping by note
  count: number; // dispatches
  ms: number; // summed medians
  share: number; // of the profile's total
}

/** Sums a profile by kernel name (and note, with `byNote`), largest first. */
export function kernelTotals(p: Profile, byNote = false): KernelTotal[] {
  const m = new Map<string, KernelTotal>();
  for (const d of p.dispatches) {
    const k = byNote && d.note ? `${d.label} ${d.note}` : d.label;
    const e = m.get(k) ?? { kernel: k, count: 0, ms: 0, share: 0 };
    e.count += 1;
    e.ms += d.ms;
    m.set(k, e);
  }
  const rows = [...m.values()].sort((a, b) => b.ms - a.ms);
  for (const r of rows) r.share = p.totalMs > 0 ? r.ms / p.totalMs : 0;
  return rows;
}
