// The whole-model comparison a user choosing between the two would make: one full training step
// (forward, backward, optimiser) of our GPT against the same GPT in TensorFlow.js on its WebGPU
// backend (tfjs-gpt.ts), same device, same config, initial weights and batch. The loss at step 0 is
// checked against ours before any timing; steps alternate between the two, medians are reported.

import { TrainState } from '../src/model/train-state';
import { MODEL_PRESETS } from '../src/model/config';
import { buildLayout, initParams } from '../src/model/params';
import { BatchSampler } from '../src/model/batches';
import { builtinCorpus } from '../src/tasks/facts';
import { weightedSum } from '../src/kernels/weighted_sum';
import { storageBuffer, upload } from '../src/gpu/buffers';
import { releaseDispatches, type Gpu } from '../src/gpu/dispatch';
import { tfjsOnDevice } from './matmul-bench';
import { tfGpt } from './tfjs-gpt';
import { registerPeerGradients } from './tfjs-grads';

export interface ModelBenchRow {
  preset: string;
  params: number;
  B: number;
  T: number;
  oursLoss0: number; // loss at step 0 (before any update)
  tfjsLoss0: number;
  oursLossLast: number; // loss before the last timed update (same batch every step: both should track)
  tfjsLossLast: number;
  oursMs: number; // median ms per training step
  tfjsMs: number;
  ratio: number; // tfjsMs / oursMs
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Our training step against the tfjs GPT's (on `peerDevice`, default ours), the same weights and batch. */
export async function benchModels(
  gpu: Gpu,
  presets: string[],
  B: number,
  T: number,
  reps: number,
  warmup = 2,
  peerDevice = gpu.device,
): Promise<ModelBenchRow[]> {
  const tf = (await tfjsOnDevice(peerDevice)) as unknown;
  registerPeerGradients(tf);
  // tfjs's own default (the matmul section sets 1 to time single products): a whole step is its best case.
  (tf as { env(): { set(k: string, v: unknown): void } }).env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', 15);
  const rows: ModelBenchRow[] = [];
  for (const preset of presets) {
    const config = MODEL_PRESETS[preset];
    const layout = buildLayout(config);
    const params = initParams(config, layout, 1);
    const batch = new BatchSampler(builtinCorpus(), 1).next(B, T);
    const hp = { lr: 3e-3, weightDecay: 0, maxGradNorm: 1 }; // large enough that the losses move visibly

    const st = new TrainState(gpu, config, B, T, params);
    const m = st.model;
    const lossBuf = storageBuffer(gpu.device, 'bench.loss', 1);
    upload(gpu.device, m.tokens, batch.tokens);
    upload(gpu.device, m.targets, batch.targets);
    upload(gpu.device, m.weights, batch.weights);
    const ds = [
      ...m.zeroGrads(B, T),
      ...m.forward(B, T),
      ...m.loss(B, T),
      ...weightedSum(gpu, lossBuf, m.acts.losses, m.weights, B * T),
      ...m.lossBackward(B, T),
      ...m.backward(B, T),
    ];
    const ours = async () => {
      const t0 = performance.now();
      const [, loss] = await st.update([ds], hp, [lossBuf]);
      return { ms: performance.now() - t0, loss };
    };
    const peer = tfGpt(tf, config, layout, params, batch.tokens, batch.targets, B, T, hp.maxGradNorm);
    const theirs = async () => {
      const t0 = performance.now();
      const loss = await peer.step(hp.lr);
      return { ms: performance.now() - t0, loss };
    };
    try {
      const o0 = await ours(),
        t0 = await theirs(); // step 0: the same weights on both sides
      if (!(Math.abs(o0.loss - t0.loss) <= 1e-4 * Math.max(1, Math.abs(o0.loss)))) {
        throw new Error(`${preset}: loss at step 0 differs: ours ${o0.loss}, tfjs ${t0.loss}`);
      }
      for (let i = 1; i < warmup; i++) {
        await ours();
        await theirs();
      }
      const a: number[] = [],
        b: number[] = [];
      let lastOurs = NaN,
        lastTfjs = NaN;
      for (let i = 0; i < reps; i++) {
        const x = await ours(),
          y = await theirs();
        a.push(x.ms);
        b.push(y.ms);
        [lastOurs, lastTfjs] = [x.loss, y.loss];
      }
      rows.push({
        preset,
        params: layout.count,
        B,
        T,
        oursLoss0: o0.loss,
        tfjsLoss0: t0.loss,
        oursLossLast: lastOurs,
        tfjsLossLast: lastTfjs,
        oursMs: median(a),
        tfjsMs: median(b),
        ratio: median(b) / median(a),
      });
    } finally {
      peer.dispose();
      releaseDispatches(ds);
      lossBuf.destroy();
      st.destroy();
    }
  }
  return rows;
}
