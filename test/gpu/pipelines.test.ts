// The pipeline cache's 'async' mode (the browser's default) on this machine's adapter: recording
// dispatches compiles nothing, ready() creates every requested pipeline concurrently, a dispatch
// encoded before ready() is made synchronously; the 'lazy' mode (the Node default) compiles on first
// encode, submitting the work before each new kernel; a whole training update and a rollout give
// bit-identical results in all three modes.
// StartupClock, the start -> first step measurement shared by the bench and the page, reports once.
import { describe, it, expect } from 'vitest';
import { PipelineCache, type PipelineMode } from '../../src/gpu/pipelines';
import { StartupClock } from '../../src/gpu/startup';
import { encodeSubmitting, makeDispatch, type Gpu } from '../../src/gpu/dispatch';
import { UniformWriter, readF32, upload } from '../../src/gpu/buffers';
import { TrainState } from '../../src/model/train-state';
import { GpuDecoder } from '../../src/model/decode';
import { sampleRollouts } from '../../src/model/sampling';
import { buildLayout, initParams } from '../../src/model/params';
import type { ModelConfig } from '../../src/model/config';
import { mulberry32, randomInts } from '../../src/util/rng';
import { testGpu, toGpu, fromGpu, run } from '../helpers/gpu';

const FILL = `
struct Params { N: u32, }
@group(0) @binding(0) var<storage, read_write> buf: array<f32>;
@group(0) @binding(1) var<uniform> params: Params;
override VALUE: f32 = 0.0;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x < params.N) { buf[gid.x] = VALUE; }
}`;

const CONFIG: ModelConfig = { vocabSize: 23, contextLength: 12, dModel: 12, nLayers: 2, nHeads: 3, mlpWidth: 20 };

/** One AdamW update of a fresh model and an 8-token rollout of 3 rows with the cache in `mode`. */
async function trainAndSample(base: Gpu, mode: PipelineMode) {
  const gpu: Gpu = { device: base.device, pipelines: new PipelineCache(base.device, mode) };
  const B = 2,
    T = 9,
    rng = mulberry32(4);
  const st = new TrainState(gpu, CONFIG, B, T, initParams(CONFIG, buildLayout(CONFIG), 7));
  const m = st.model;
  const tokens = randomInts(rng, B * T, 3, CONFIG.vocabSize - 1);
  upload(gpu.device, m.tokens, tokens);
  upload(gpu.device, m.targets, randomInts(rng, B * T, 3, CONFIG.vocabSize - 1));
  upload(gpu.device, m.weights, new Float32Array(B * T).fill(1 / (B * T)));
  const ds = [...m.zeroGrads(B, T), ...m.forward(B, T), ...m.loss(B, T), ...m.lossBackward(B, T), ...m.backward(B, T)];
  const pendingBefore = gpu.pipelines.pending;
  const [normSq] = await st.update([ds], { lr: 1e-2, weightDecay: 0.1, maxGradNorm: 1 });
  const params = await readF32(gpu.device, m.params, m.layout.total);
  const dec = new GpuDecoder(gpu, m, 3, CONFIG.contextLength);
  const ro = await sampleRollouts(gpu, m, dec, [Int32Array.of(1), Int32Array.of(1, 5), Int32Array.of(1, 6, 7)], {
    temperature: 1,
    topK: 0,
    topP: 1,
    seed: 9,
    maxNewTokens: 8,
    eosId: -1,
    chunk: 4,
  });
  const pendingAfter = gpu.pipelines.pending;
  dec.destroy();
  st.destroy();
  return { normSq, params, seqs: ro.seqs, pendingBefore, pendingAfter };
}

describe('pipeline cache modes', () => {
  it("'async': nothing compiled while recording; ready() makes them; encoding first makes it synchronously", async () => {
    const g = await testGpu();
    const cache = new PipelineCache(g.device, 'async');
    const gpu = { device: g.device, pipelines: cache };
    const a = toGpu(g, new Float32Array(5)),
      b = toGpu(g, new Float32Array(5));
    const uniform = new UniformWriter().u32(5).bytes();
    const da = makeDispatch(gpu, {
      name: 'fill',
      code: FILL,
      constants: { VALUE: 2 },
      buffers: [a],
      uniform,
      workgroups: [1],
    });
    const db = makeDispatch(gpu, {
      name: 'fill',
      code: FILL,
      constants: { VALUE: 3 },
      buffers: [b],
      uniform,
      workgroups: [1],
    });
    expect([cache.size, cache.pending]).toEqual([2, 2]);
    await run(gpu, da); // before ready(): created synchronously on first use
    expect(cache.pending).toBe(1);
    await cache.ready();
    expect(cache.pending).toBe(0);
    await run(gpu, db);
    expect(Array.from(await fromGpu(g, a, 5))).toEqual([2, 2, 2, 2, 2]);
    expect(Array.from(await fromGpu(g, b, 5))).toEqual([3, 3, 3, 3, 3]);
    expect(new PipelineCache(g.device).mode).toBe('lazy'); // the Node default
  });

  it("'lazy': ready() compiles nothing; the first update submits before each new kernel and compiles it", async () => {
    const g = await testGpu();
    const cache = new PipelineCache(g.device, 'lazy');
    const gpu = { device: g.device, pipelines: cache };
    const a = toGpu(g, new Float32Array(5));
    const uniform = new UniformWriter().u32(5).bytes();
    const fill = (v: number) =>
      makeDispatch(gpu, { name: 'fill', code: FILL, constants: { VALUE: v }, buffers: [a], uniform, workgroups: [1] });
    const ds = [fill(1), fill(2), fill(1), fill(4)]; // three kernels: the third dispatch reuses the first's
    await cache.ready();
    expect([cache.size, cache.pending]).toEqual([3, 3]);
    const submit = g.device.queue.submit.bind(g.device.queue);
    let submits = 0;
    g.device.queue.submit = (bufs: Iterable<GPUCommandBuffer>) => {
      submits++;
      submit(bufs);
    };
    try {
      const rest = encodeSubmitting(g.device, g.device.createCommandEncoder(), [ds.slice(0, 2), ds.slice(2)], 'test');
      g.device.queue.submit([rest.finish()]);
    } finally {
      g.device.queue.submit = submit;
    }
    expect(submits).toBe(3); // before fill(2) and before fill(4), then the rest
    expect(cache.pending).toBe(0);
    expect(Array.from(await fromGpu(g, a, 5))).toEqual([4, 4, 4, 4, 4]); // in order
  });

  it('a training update and a rollout give the same bits in every mode', async () => {
    const g = await testGpu();
    const s = await trainAndSample(g, 'sync');
    expect(s.pendingBefore).toBe(0);
    for (const mode of ['async', 'lazy'] as const) {
      const a = await trainAndSample(g, mode);
      expect(a.pendingBefore).toBeGreaterThan(10); // recorded, not compiled
      expect(a.pendingAfter).toBe(0);
      expect(a.normSq).toBe(s.normSq);
      expect(Array.from(a.params)).toEqual(Array.from(s.params));
      expect(Array.from(a.seqs)).toEqual(Array.from(s.seqs));
    }
  });
});

describe('StartupClock', () => {
  it('reports start -> first step once, with the pipelines and their mode', async () => {
    const g = await testGpu();
    const cache = new PipelineCache(g.device, 'async');
    let t = 100;
    const clock = new StartupClock(cache, undefined, () => t);
    makeDispatch(
      { device: g.device, pipelines: cache },
      {
        name: 'fill',
        code: FILL,
        constants: { VALUE: 5 },
        buffers: [toGpu(g, new Float32Array(4))],
        uniform: new UniformWriter().u32(4).bytes(),
        workgroups: [1],
      },
    );
    expect(clock.result).toBeNull();
    t = 1350;
    expect(clock.stepDone()).toEqual({ ms: 1250, pipelines: 1, mode: 'async' });
    t = 2000;
    expect(clock.stepDone()).toBeNull();
    expect(clock.result?.ms).toBe(1250);
  });
});
