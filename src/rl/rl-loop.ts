// One on-policy RL step, read top to bottom: sample G responses for each of P prompts on the GPU,
// score them (sparse checker or judge), turn scores into per-token advantages per group, then run
// the clipped policy-gradient update (epochs x mini-batches) with a k3 KL loss to the start model.

import { GpuDecoder } from '../model/decode';
import { sampleRollouts } from './rollout';
import { RlPolicy } from './policy';
import { groupAdvantages, type TrajectoryScore, type ScoredTrajectory } from './advantages';
import { lossWeights } from './aggregation';
import { toGrid, gridLength, scatterResponse, responseLength, responseTokens, type SequenceBatch } from './rl-batch';
import { stepMetrics, type StepMetrics } from './step-metrics';
import { validateRlConfig, type RlConfig } from './rl-config';
import { encode, decode, BOS_ID, EOS_ID } from '../tasks/tokenizer';
import type { Gpu } from '../gpu/dispatch';

export interface Scored {
  score: TrajectoryScore; // what the advantages are computed from
  correct: 0 | 1; // the sparse correctness reward, always logged
}

/** Scores one response to prompt `item` (index into the step's prompts). */
export type Scorer = (item: number, response: string, truncated: boolean) => Promise<Scored>;

export interface Trace {
  prompt: string;
  response: string;
  tokens: Int32Array; // response tokens (EOS included when produced)
  advantages: Float32Array; // per response token
  mask: Float32Array; // per response token (0 = dropped)
  score: TrajectoryScore;
  correct: 0 | 1;
  truncated: boolean;
}

export interface RlStepResult {
  step: number;
  metrics: StepMetrics;
  traces: Trace[]; // every sampled response of the step, group by group
}

export class RlLoop {
  readonly decoder: GpuDecoder;
  stepCount = 0;

  constructor(readonly gpu: Gpu, readonly policy: RlPolicy, readonly cfg: RlConfig) {
    validateRlConfig(cfg);
    const S = cfg.promptsPerStep * cfg.groupSize;
    if (S > policy.maxRows) throw new Error(`P*G = ${S} exceeds the policy's ${policy.maxRows} rows`);
    this.decoder = new GpuDecoder(gpu, policy.model, S, policy.config.contextLength);
  }

  async step(prompts: string[], score: Scorer): Promise<RlStepResult> {
    const c = this.cfg, G = c.groupSize;
    if (prompts.length !== c.promptsPerStep) throw new Error(`expected ${c.promptsPerStep} prompts, got ${prompts.length}`);
    // 1. Sample G responses per prompt.
    const ids = prompts.map((p) => Int32Array.from([BOS_ID, ...encode(p)]));
    const rows = ids.flatMap((p) => Array.from({ length: G }, () => p));
    const ro = await sampleRollouts(this.gpu, this.policy.model, this.decoder, rows, {
      temperature: c.temperature, topK: c.topK, topP: c.topP, seed: (c.seed * 7919 + this.stepCount) >>> 0,
      maxNewTokens: c.maxNewTokens, eosId: EOS_ID, chunk: 16,
    });
    const batch: SequenceBatch = { S: rows.length, Tmax: this.decoder.Tmax, seqs: ro.seqs, promptLens: ro.promptLens, lengths: ro.lengths };

    // 2. Score every response (concurrently: judges may be remote).
    const t1 = performance.now();
    const texts = rows.map((_, s) => decode(responseTokens(batch, s)));
    const scored = await Promise.all(texts.map((t, s) => score(Math.floor(s / G), t, ro.truncated[s] === 1)));
    const rewardMs = performance.now() - t1;

    // 3. Advantages, group by group.
    const advs: Float32Array[] = [], masks: Float32Array[] = [];
    let dropped = 0, zeroStd = 0;
    for (let p = 0; p < c.promptsPerStep; p++) {
      const group: ScoredTrajectory[] = [];
      for (let g = 0; g < G; g++) {
        const s = p * G + g;
        group.push({ score: scored[s].score, length: responseLength(batch, s), truncated: c.truncationGuard && ro.truncated[s] === 1 });
      }
      const ga = groupAdvantages(group, { mode: c.advantage, stdNormalize: c.stdNormalize });
      advs.push(...ga.advantages);
      masks.push(...ga.masks);
      dropped += ga.dropped;
      if (ga.zeroVariance) zeroStd++;
    }

    // 4. Old (sampling-policy) and reference log-probs on the whole batch, then the update.
    const t2 = performance.now();
    const T = gridLength(batch, this.policy.config.contextLength);
    const grid = toGrid(batch, T);
    const S = batch.S, N = S * T;
    this.policy.setGrid(grid.tokens, grid.targets);
    await this.policy.logprobsInto(S, T, 'policy', null);
    const logpOld = await this.policy.read(this.policy.bufs.logp, N);
    const logpRef = c.beta > 0 ? (await this.policy.logprobsInto(S, T, 'ref', null), await this.policy.read(this.policy.bufs.logp, N)) : logpOld;
    const advGrid = scatterResponse(batch, T, advs);
    const maskGrid = scatterResponse(batch, T, masks);
    const reports = [];
    const mb = Math.ceil(S / c.miniBatches);
    const constant = c.sumNormConstant > 0 ? c.sumNormConstant : G * c.maxNewTokens;
    for (let e = 0; e < c.epochs; e++) {
      for (let r0 = 0; r0 < S; r0 += mb) {
        const r1 = Math.min(S, r0 + mb), n = r1 - r0, sl = (a: Float32Array | Int32Array) => a.slice(r0 * T, r1 * T);
        const rowMasks = Array.from({ length: n }, (_, i) => maskGrid.slice((r0 + i) * T, (r0 + i + 1) * T));
        const weight = lossWeights(rowMasks, c.aggregation, constant);
        this.policy.setGrid(sl(grid.tokens) as Int32Array, sl(grid.targets) as Int32Array);
        this.upload('logpOld', sl(logpOld) as Float32Array);
        this.upload('logpRef', sl(logpRef) as Float32Array);
        const rep = await this.policy.pgUpdate(n, T, sl(advGrid) as Float32Array, weight, { epsLow: c.epsLow, epsHigh: c.epsHigh, beta: c.beta, entCoef: c.entCoef },
          { lr: c.lr, weightDecay: c.weightDecay, maxGradNorm: c.maxGradNorm });
        reports.push({ rep, weight, mask: sl(maskGrid) as Float32Array });
      }
    }
    const updateMs = performance.now() - t2;
    this.stepCount += 1;

    const traces: Trace[] = rows.map((_, s) => ({
      prompt: prompts[Math.floor(s / G)], response: texts[s], tokens: responseTokens(batch, s), advantages: advs[s], mask: masks[s],
      score: scored[s].score, correct: scored[s].correct, truncated: ro.truncated[s] === 1,
    }));
    const metrics = stepMetrics({
      traces, G, reports, dropped, zeroStdGroups: zeroStd, groups: c.promptsPerStep,
      sampleMs: ro.ms, rewardMs, updateMs, sampledTokens: traces.reduce((a, t) => a + t.tokens.length, 0),
    });
    return { step: this.stepCount, metrics, traces };
  }

  private upload(name: 'logpOld' | 'logpRef', data: Float32Array): void {
    this.gpu.device.queue.writeBuffer(this.policy.bufs[name], 0, data.buffer, data.byteOffset, data.byteLength);
  }

  destroy(): void {
    this.decoder.destroy();
  }
}
