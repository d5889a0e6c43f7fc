// Matmul throughput of our kernel (src/kernels/matmul.ts) against TensorFlow.js's WebGPU backend
// (tf.matMul) on the same device, the same shapes and the same synchronisation. Node only: tfjs is
// a dev dependency, loaded on first use. Reports GFLOP/s (2·M·K·N per product) and their ratio; on
// a CPU adapter absolute numbers drift with machine load, so ratios from one run are what to compare.

import type { Gpu } from '../src/gpu/dispatch';
import { submit, releaseDispatches } from '../src/gpu/dispatch';
import { readF32, storageBuffer } from '../src/gpu/buffers';
import { matmul } from '../src/kernels/matmul';
import { mulberry32, randomFloats } from '../src/util/rng';

export interface MatmulBenchShape {
  label: string;
  M: number;
  K: number;
  N: number;
  transB?: boolean; // b stored (N,K), as the tied output layer's weight
}

export interface MatmulBenchOptions {
  warmup?: number; // untimed runs of each side first (pipeline compilation, buffer pools)
  reps?: number; // timed runs of each side; the median is reported
  // 'submitted': each run ends when the queue has finished it (queue.onSubmittedWorkDone) for both;
  // 'readback': each run ends when its output has been read back to the CPU (readF32 / tensor.data()) for both.
  sync?: 'submitted' | 'readback';
  log?: (line: string) => void; // progress, one line per shape
  peerDevice?: GPUDevice; // the device tfjs runs on (default: ours); see bench.ts for why it may differ
}

export interface MatmulBenchRow {
  label: string;
  M: number;
  K: number;
  N: number;
  transB: boolean;
  oursMs: number; // median
  tfjsMs: number; // median
  oursGflops: number;
  tfjsGflops: number;
  ratio: number; // oursGflops / tfjsGflops
}

/** The matmuls of one transformer layer and the tied output layer for width C, BT tokens and vocabulary V. */
export function modelMatmulShapes(C: number, BT: number, V: number): MatmulBenchShape[] {
  const tag = `C=${C} BT=${BT}`;
  return [
    { label: `qkv ${tag}`, M: BT, K: C, N: 3 * C },
    { label: `attn proj ${tag}`, M: BT, K: C, N: C },
    { label: `fc ${tag}`, M: BT, K: C, N: 4 * C },
    { label: `fc proj ${tag}`, M: BT, K: 4 * C, N: C },
    { label: `logits ${tag}`, M: BT, K: C, N: V, transB: true },
  ];
}

/** Square n x n x n products, comparable with the anchors in the design notes. */
export function squareShapes(sizes: number[]): MatmulBenchShape[] {
  return sizes.map((n) => ({ label: `square n=${n}`, M: n, K: n, N: n }));
}

// Minimal view of the tfjs API used here (typed locally so the page's type-check never needs tfjs).
interface TfTensor {
  data(): Promise<unknown>;
  dispose(): void;
}
interface Tf {
  tensor2d(values: Float32Array, shape: [number, number]): TfTensor;
  matMul(a: TfTensor, b: TfTensor, transposeA?: boolean, transposeB?: boolean): TfTensor;
  registerBackend(name: string, factory: () => unknown, priority?: number): boolean;
  removeBackend(name: string): void;
  findBackendFactory(name: string): unknown;
  setBackend(name: string): Promise<boolean>;
  env(): { set(flag: string, value: unknown): void };
}

let tfjsDevice: GPUDevice | null = null; // the device tfjs's 'webgpu' backend currently runs on

/**
 * Loads tfjs-core and tfjs-backend-webgpu and makes a WebGPU backend on OUR device, registered under
 * the name 'webgpu' (tfjs registers its kernels under that name). tfjs refuses to start unless
 * navigator.gpu exists, which Node 20 lacks: a stand-in object is set then; tfjs never asks it for an
 * adapter because it is handed the device.
 */
export async function tfjsOnDevice(device: GPUDevice): Promise<Tf> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (!g.navigator?.gpu) {
    const gpu = { requestAdapter: async () => null, getPreferredCanvasFormat: () => 'rgba8unorm' };
    if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
  // Module names built at run time: bundlers must never pull tfjs into the page.
  const core = '@tensorflow/' + 'tfjs-core';
  const webgpu = '@tensorflow/' + 'tfjs-backend-webgpu';
  const tf = (await import(/* @vite-ignore */ core)) as unknown as Tf;
  const { WebGPUBackend } = (await import(/* @vite-ignore */ webgpu)) as {
    WebGPUBackend: new (d: GPUDevice) => unknown;
  };
  if (tfjsDevice !== device) {
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
    const backend = new WebGPUBackend(device);
    tf.registerBackend('webgpu', () => backend);
    if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not start its WebGPU backend on this device');
    tfjsDevice = device;
  }
  // Submit every dispatch at once (tfjs batches 15 by default), so that onSubmittedWorkDone covers it.
  tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', 1);
  return tf;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Times our matmul and tf.matMul on each shape: `warmup` untimed runs each, then `reps` rounds that
 * run ours once and tfjs once (interleaved, so both see the same machine load), median per side.
 */
export async function benchMatmul(
  gpu: Gpu,
  shapes: MatmulBenchShape[],
  opts: MatmulBenchOptions = {},
): Promise<MatmulBenchRow[]> {
  const warmup = opts.warmup ?? 2;
  const reps = opts.reps ?? 7;
  const sync = opts.sync ?? 'submitted';
  const device = gpu.device;
  const peer = opts.peerDevice ?? device;
  const tf = await tfjsOnDevice(peer);
  const rows: MatmulBenchRow[] = [];
  for (const s of shapes) {
    const { M, K, N } = s;
    const transB = s.transB ?? false;
    const rng = mulberry32(M * 7919 + K * 31 + N);
    const a = randomFloats(rng, M * K); // (M,K)
    const b = randomFloats(rng, K * N); // (K,N) or (N,K)
    const bufA = storageBuffer(device, 'bench:a', M * K, a);
    const bufB = storageBuffer(device, 'bench:b', K * N, b);
    const bufOut = storageBuffer(device, 'bench:out', M * N);
    const dispatch = matmul(gpu, bufOut, bufA, bufB, null, M, K, N, { transB });
    const tA = tf.tensor2d(a, [M, K]);
    const tB = tf.tensor2d(b, transB ? [N, K] : [K, N]);

    const runOurs = async (): Promise<number> => {
      const t0 = performance.now();
      submit(gpu, [dispatch], 'bench:matmul');
      if (sync === 'readback') await readF32(device, bufOut, M * N);
      else await device.queue.onSubmittedWorkDone();
      return performance.now() - t0;
    };
    const runTfjs = async (): Promise<number> => {
      const t0 = performance.now();
      const c = tf.matMul(tA, tB, false, transB);
      if (sync === 'readback') await c.data();
      else await peer.queue.onSubmittedWorkDone();
      const ms = performance.now() - t0;
      c.dispose();
      return ms;
    };

    for (let i = 0; i < warmup; i++) {
      await runOurs();
      await runTfjs();
    }
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < reps; i++) {
      ours.push(await runOurs());
      theirs.push(await runTfjs());
    }
    tA.dispose();
    tB.dispose();
    bufA.destroy();
    bufB.destroy();
    bufOut.destroy();
    releaseDispatches([dispatch]);

    const flop = 2 * M * K * N;
    const oursMs = median(ours);
    const tfjsMs = median(theirs);
    const row: MatmulBenchRow = {
      label: s.label,
      M,
      K,
      N,
      transB,
      oursMs,
      tfjsMs,
      oursGflops: flop / (oursMs * 1e6),
      tfjsGflops: flop / (tfjsMs * 1e6),
      ratio: tfjsMs / oursMs,
    };
    rows.push(row);
    opts.log?.(`${row.label}: ours ${row.oursGflops.toFixed(2)} GFLOP/s, tfjs ${row.tfjsGflops.toFixed(2)} GFLOP/s`);
  }
  return rows;
}

/** A fixed-width text table of benchmark rows. */
export function formatMatmulTable(rows: MatmulBenchRow[]): string {
  const head = ['shape', 'M', 'K', 'N', 'ours ms', 'tfjs ms', 'ours GFLOP/s', 'tfjs GFLOP/s', 'ratio'];
  const body = rows.map((r) => [
    r.label + (r.transB ? ' (b^T)' : ''),
    String(r.M),
    String(r.K),
    String(r.N),
    r.oursMs.toFixed(2),
    r.tfjsMs.toFixed(2),
    r.oursGflops.toFixed(2),
    r.tfjsGflops.toFixed(2),
    `${r.ratio.toFixed(2)}x`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
