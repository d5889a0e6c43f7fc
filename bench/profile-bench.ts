// `npm run bench -- --profile`: time per kernel of one pre-training step, one RL update and one
// decode step (src/gpu/profile.ts says how: timestamp queries, else one submit per kernel). The
// dispatch lists are the ones the real runs encode: the trainer's step (the same list Pretrainer
// records) with AdamW, RlPolicy.updateDispatches, and GpuDecoder.step with sampling and bookkeeping.

import { TrainState } from '../src/model/train-state';
import { GpuDecoder } from '../src/model/decode';
import { MODEL_PRESETS, type ModelConfig } from '../src/model/config';
import { buildLayout, initParams } from '../src/model/params';
import { BatchSampler } from '../src/model/batches';
import { BOS_ID } from '../src/model/tokenizer';
import { RlPolicy } from '../src/rl/policy';
import { builtinCorpus } from '../src/tasks/facts';
import { weightedSum } from '../src/kernels/weighted_sum';
import { sampleTokens } from '../src/kernels/sample';
import { rolloutAdvance } from '../src/kernels/rollout_advance';
import { storageBuffer, upload } from '../src/gpu/buffers';
import { releaseDispatches, type Dispatch, type Gpu } from '../src/gpu/dispatch';
import { profileDispatches, kernelTotals, type Profile } from '../src/gpu/profile';
import { mulberry32, randomFloats, randomInts } from '../src/util/rng';

export interface ProfileRow {
  what: string; // e.g. 'train step small B=16 T=64'
  profile: Profile;
}

function params(config: ModelConfig): Float32Array {
  return initParams(config, buildLayout(config), 1);
}

/** One pre-training step: zero grads, forward, loss, backward, grad norm and AdamW. */
async function trainStep(gpu: Gpu, config: ModelConfig, B: number, T: number, reps: number): Promise<Profile> {
  const st = new TrainState(gpu, config, B, T, params(config));
  const m = st.model;
  const loss = storageBuffer(gpu.device, 'profile.loss', 1);
  const batch = new BatchSampler(builtinCorpus(), 1).next(B, T);
  upload(gpu.device, m.tokens, batch.tokens);
  upload(gpu.device, m.targets, batch.targets);
  upload(gpu.device, m.weights, batch.weights);
  st.optim.prepare({ lr: 1e-9, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0, maxGradNorm: 1 });
  const ds: Dispatch[] = [
    ...m.zeroGrads(B, T),
    ...m.forward(B, T),
    ...m.loss(B, T),
    ...weightedSum(gpu, loss, m.acts.losses, m.weights, B * T),
    ...m.lossBackward(B, T),
    ...m.backward(B, T),
  ];
  try {
    return await profileDispatches(gpu, [...ds, ...st.optim.dispatches], reps);
  } finally {
    releaseDispatches(ds);
    loss.destroy();
    st.destroy();
  }
}

/** One RL update of `rows` sequences of T positions: reference log-probs, then the policy-gradient step. */
async function rlUpdate(gpu: Gpu, config: ModelConfig, rows: number, T: number, reps: number): Promise<Profile> {
  const policy = new RlPolicy(
    gpu,
    { ...config, contextLength: Math.max(config.contextLength, T) },
    params(config),
    rows,
  );
  try {
    const rng = mulberry32(5);
    const tokens = randomInts(rng, rows * T, 3, config.vocabSize - 1);
    const targets = Int32Array.from(tokens, (_, i) => ((i + 1) % T === 0 ? -1 : tokens[i + 1]));
    upload(gpu.device, policy.bufs.adv, randomFloats(rng, rows * T));
    upload(gpu.device, policy.bufs.weight, new Float32Array(rows * T).fill(1 / (rows * T)));
    policy.optim.prepare({ lr: 1e-9, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0, maxGradNorm: 1 });
    const ds = policy.updateDispatches(
      { S: rows, T, tokens, targets },
      { epsLow: 0.2, epsHigh: 0.26, beta: 0.001, entCoef: 0 },
    );
    return await profileDispatches(gpu, ds, reps);
  } finally {
    policy.destroy();
  }
}

/** One lockstep decode step of S rows at position t: the decoder's step, sampling, bookkeeping. */
async function decodeStep(gpu: Gpu, config: ModelConfig, S: number, t: number, reps: number): Promise<Profile> {
  const st = new TrainState(gpu, config, 1, 2, params(config));
  const Tmax = config.contextLength;
  const dec = new GpuDecoder(gpu, st.model, S, Tmax);
  const dev = gpu.device;
  const mk = (label: string, data: Int32Array | Uint32Array) => storageBuffer(dev, `profile.${label}`, S, data);
  const bufs = [
    mk('lengths', new Int32Array(S).fill(1)),
    mk('done', new Uint32Array(S)),
    mk('truncated', new Uint32Array(S)),
    mk('next', new Int32Array(S)),
    mk('promptLens', new Int32Array(S).fill(1)),
  ];
  const at = storageBuffer(dev, 'profile.t', 1, Uint32Array.of(t)); // the position every run starts from
  const seqs = randomInts(mulberry32(2), S * Tmax, 3, config.vocabSize - 1);
  for (let s = 0; s < S; s++) seqs[s * Tmax] = BOS_ID;
  dec.setTokens(seqs);
  const own = [
    sampleTokens(gpu, bufs[3], dec.logits, dec.counter, S, config.vocabSize, {
      temperature: 1,
      topK: 0,
      topP: 1,
      seed: 1,
    }),
    ...rolloutAdvance(gpu, dec.seqs, bufs[0], bufs[1], bufs[2], bufs[3], bufs[4], dec.counter, S, Tmax, -1, Tmax),
  ];
  try {
    return await profileDispatches(gpu, [...dec.step, ...own], reps, (enc) =>
      enc.copyBufferToBuffer(at, 0, dec.counter, 0, 4),
    );
  } finally {
    releaseDispatches(own);
    for (const b of [...bufs, at]) b.destroy();
    dec.destroy();
    st.destroy();
  }
}

/** The three profiles for each preset: B x T pre-training, an RL update of S rows x T, a decode step of S rows. */
export async function benchProfile(
  gpu: Gpu,
  presets: string[],
  o: { B: number; T: number; S: number; rlT: number; decodeT: number; reps: number },
): Promise<ProfileRow[]> {
  const rows: ProfileRow[] = [];
  for (const preset of presets) {
    const c = MODEL_PRESETS[preset];
    rows.push({ what: `train step ${preset} B=${o.B} T=${o.T}`, profile: await trainStep(gpu, c, o.B, o.T, o.reps) });
    rows.push({
      what: `RL update ${preset} ${o.S} rows x T=${o.rlT}`,
      profile: await rlUpdate(gpu, c, o.S, o.rlT, o.reps),
    });
    rows.push({
      what: `decode step ${preset} S=${o.S} at t=${o.decodeT}`,
      profile: await decodeStep(gpu, c, o.S, o.decodeT, o.reps),
    });
  }
  return rows;
}

/** Text of one profile: method, total, the kernels by summed time (top `top`), the heaviest single dispatches. */
export function formatProfile(r: ProfileRow, top = 8): string {
  const p = r.profile;
  const lines = [`${r.what}: ${p.dispatches.length} dispatches, ${p.totalMs.toFixed(2)} ms summed (${p.method})`];
  for (const k of kernelTotals(p).slice(0, top)) {
    lines.push(
      `  ${k.kernel.padEnd(28)} x${String(k.count).padEnd(4)} ${k.ms.toFixed(3).padStart(9)} ms  ${(k.share * 100).toFixed(1).padStart(5)}%`,
    );
  }
  const heavy = [...p.dispatches].sort((a, b) => b.ms - a.ms).slice(0, 3);
  lines.push(
    `  heaviest: ${heavy.map((d) => `${d.label}${d.note ? ` ${d.note}` : ''} ${d.ms.toFixed(3)} ms`).join('; ')}`,
  );
  return lines.join('\n');
}
