// One on-policy RL step, read top to bottom: sample G responses for each of P prompts on the GPU,
// score them (sparse checker or judge), turn scores into per-token advantages per group (or, for
// OPSD, into the teacher-student log-ratio), then run the clipped policy-gradient update
// (epochs x mini-batches) with a k3 KL loss to the frozen start model. The step is written as its
// stages (an async generator that pauses after each: a stepper shows them one at a time); step()
// runs them straight through. The loop owns its decoder and its policy (destroy() frees both).
// Readbacks happen once per batch: rollouts and reports; old and reference log-probs stay on the
// GPU (OPSD reads the student's back for its CPU advantages).

import { GpuDecoder } from '../model/decode';
import { sampleRollouts } from '../model/sampling';
import { RlPolicy } from './policy';
import { groupAdvantages, type TrajectoryScore, type ScoredTrajectory } from './advantages';
import { lossWeights } from './aggregation';
import {
  toPadded,
  paddedLength,
  scatterResponse,
  responseLength,
  responseTokens,
  textOffsetsToTokens,
  type PaddedBatch,
  type SequenceBatch,
} from './rl-batch';
import { selfDistillation, teacherContexts, type TeacherContext } from './opsd';
import type { AdvantageMode } from './advantages';
import { stepMetrics, type StepCheck, type StepMetrics } from './step-metrics';
import { validateRlConfig, type RlConfig } from './rl-config';
import { encode, decode, BOS_ID, EOS_ID, SPECIAL_TOKENS } from '../model/tokenizer';
import type { Gpu } from '../gpu/dispatch';
import type { PgReport } from './policy';

export interface Scored {
  score: TrajectoryScore; // what the advantages are computed from
  correct: 0 | 1; // the sparse correctness reward, always logged
  dense?: number | null; // the judge's reward of the whole response (logged; null: its call failed)
  verified?: StepCheck; // the verifier's check of the work (logged, never trained on), when the problem's steps are known
  detail?: unknown; // the judge's verdict (grades, per-step scores, rationale) for the inspector
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
  dense?: number | null;
  verified?: StepCheck;
  detail?: unknown;
  truncated: boolean;
}

export interface RlStepResult {
  step: number;
  metrics: StepMetrics;
  traces: Trace[]; // every sampled response of the step, group by group
}

/** One update of the step: its rows (from row0), their loss weights and masks (rows*T), and its report. */
export type UpdateReport = { row0: number; rep: PgReport; weight: Float32Array; mask: Float32Array };

/** What a step has done when it pauses after a stage (plain arrays in the padded layouts of rl-batch.ts). */
export type LoopStage =
  | { stage: 'sampled'; batch: SequenceBatch; padded: PaddedBatch; texts: string[]; truncated: boolean[] }
  | { stage: 'scored'; scored: Scored[] } // process segment starts already on tokens
  | { stage: 'advantages'; advs: Float32Array[]; masks: Float32Array[]; logpStudent: Float32Array | null }
  | { stage: 'updated'; reports: UpdateReport[] };

/** How a step runs beyond its config: `detail` reads back each update's log-probs (PgReport.logps). */
export interface StageOptions {
  detail?: boolean;
  toLimit?: boolean; // every response ignores EOS and runs to the length limit (a time estimate's longest step)
}

/** Runs a step's stages to the end and returns its result (what step() does). */
export async function runStages<S, R>(stages: AsyncGenerator<S, R, void>): Promise<R> {
  for (;;) {
    const n = await stages.next();
    if (n.done) return n.value;
  }
}

/**
 * Where a step's advantages come from: the group advantages of the scores (GRPO, ExpRL), or
 * self-distillation (OPSD) from the teacher contexts of the step's prompts.
 */
type AdvantageStrategy =
  { kind: 'group'; mode: AdvantageMode } | { kind: 'self-distillation'; teacher: TeacherContext[] };

/** Per-response-token advantages and loss masks of one step, with the group statistics it logs. */
interface StepAdvantages {
  advs: Float32Array[];
  masks: Float32Array[];
  dropped: number;
  zeroStd: number;
}

/** Process scores locate segments by character offsets in the decoded text; the loss needs token indices. */
function onTokens(x: Scored, tokens: Int32Array): Scored {
  if (x.score.kind !== 'process') return x;
  const segmentStarts = textOffsetsToTokens(tokens, x.score.segmentStarts, (id) => id < SPECIAL_TOKENS);
  return { ...x, score: { ...x.score, segmentStarts } };
}

export class RlLoop {
  readonly decoder: GpuDecoder;
  stepCount = 0;

  constructor(
    readonly gpu: Gpu,
    readonly policy: RlPolicy,
    readonly cfg: RlConfig,
  ) {
    validateRlConfig(cfg);
    const S = cfg.promptsPerStep * cfg.groupSize;
    if (S > policy.maxRows) throw new Error(`P*G = ${S} exceeds the policy's ${policy.maxRows} rows`);
    this.decoder = new GpuDecoder(gpu, policy.model, S, policy.config.contextLength);
  }

  /**
   * One step. `references` (one per prompt) are needed by OPSD's teacher only; the policy never sees them.
   * `signal` is checked while sampling and before scoring: an abort rejects with its reason and leaves
   * the policy and the step count as they were. `check` sees every verdict before the update: when it
   * throws (a judge outage), the step rejects with that error and changes nothing.
   */
  step(
    prompts: string[],
    score: Scorer,
    references?: string[],
    signal?: AbortSignal,
    check?: (scored: Scored[]) => void,
  ): Promise<RlStepResult> {
    return runStages(this.stages(prompts, score, references, signal, check));
  }

  /** The same step as its stages: it pauses after sampling, scoring, the advantages and the update. */
  async *stages(
    prompts: string[],
    score: Scorer,
    references?: string[],
    signal?: AbortSignal,
    check?: (scored: Scored[]) => void,
    options: StageOptions = {},
  ): AsyncGenerator<LoopStage, RlStepResult, void> {
    const c = this.cfg,
      G = c.groupSize;
    if (prompts.length !== c.promptsPerStep)
      throw new Error(`expected ${c.promptsPerStep} prompts, got ${prompts.length}`);
    const strategy: AdvantageStrategy =
      c.advantage === 'opsd'
        ? { kind: 'self-distillation', teacher: teacherContexts(prompts, references) }
        : { kind: 'group', mode: c.advantage };
    // 1. Sample G responses per prompt.
    const ids = prompts.map((p) => Int32Array.from([BOS_ID, ...encode(p)]));
    const ctx = this.policy.config.contextLength;
    ids.forEach((p, i) => {
      if (p.length > ctx - 1)
        throw new Error(
          `prompt ${i} has ${p.length - 1} tokens: the model's context of ${ctx} leaves no room for a response`,
        );
    });
    const rows = ids.flatMap((p) => Array.from({ length: G }, () => p));
    const ro = await sampleRollouts(this.gpu, this.policy.model, this.decoder, rows, {
      temperature: c.temperature,
      topK: c.topK,
      topP: c.topP,
      seed: (c.seed * 7919 + this.stepCount) >>> 0,
      maxNewTokens: c.maxNewTokens,
      eosId: options.toLimit ? -1 : EOS_ID,
      chunk: 16,
      signal,
    });
    signal?.throwIfAborted();
    const batch: SequenceBatch = {
      S: rows.length,
      Tmax: this.decoder.Tmax,
      seqs: ro.seqs,
      promptLens: ro.promptLens,
      lengths: ro.lengths,
    };
    const truncated = (s: number) => ro.truncated[s] === 1;
    const T = paddedLength(batch, this.policy.config.contextLength);
    const padded = toPadded(batch, T);
    const texts = rows.map((_, s) => decode(responseTokens(batch, s)));

    // 2. Old (sampling-policy) and reference log-probs of the whole batch, kept on the GPU for every
    // mini-batch and epoch. They need no scores, so they are submitted first and run while the scorer
    // works. With one epoch of one mini-batch the update's own forward pass gives the old log-probs
    // (the policy has not changed since sampling); OPSD needs them on the CPU, after scoring.
    const t1 = performance.now();
    const opsd = strategy.kind === 'self-distillation';
    const onPolicy = c.epochs === 1 && c.miniBatches === 1 && !opsd;
    const refMeasured = c.beta > 0 && !opsd;
    if (!opsd) {
      if (!onPolicy) await this.policy.storeLogprobs(padded, 'policy');
      if (refMeasured) await this.policy.storeLogprobs(padded, 'ref');
    }
    yield { stage: 'sampled', batch, padded, texts, truncated: rows.map((_, s) => truncated(s)) };

    // 3. Score every response (concurrently: judges may be remote).
    const verdicts = await Promise.all(texts.map((t, s) => score(Math.floor(s / G), t, truncated(s))));
    check?.(verdicts);
    const scored = verdicts.map((x, s) => onTokens(x, responseTokens(batch, s)));
    const rewardMs = performance.now() - t1;
    yield { stage: 'scored', scored };
    const t2 = performance.now();

    // 4. Advantages and loss masks per response token: group advantages of the scores, or for OPSD
    // the teacher-student log-ratio (whose student log-probs, on the CPU, are the old log-probs).
    let logpOld: Float32Array | null = null;
    let adv: StepAdvantages;
    if (strategy.kind === 'self-distillation') {
      const sd = await selfDistillation(this.policy, batch, padded, strategy.teacher, G);
      logpOld = sd.logpStudent;
      adv = { advs: sd.advs, masks: sd.masks, dropped: 0, zeroStd: 0 };
    } else {
      adv = this.groupAdvantages(batch, scored, truncated, strategy.mode);
    }
    yield { stage: 'advantages', advs: adv.advs, masks: adv.masks, logpStudent: logpOld };

    // 5. The update: epochs x mini-batches of rows.
    const reports = await this.update(
      batch,
      padded,
      logpOld,
      onPolicy ? 'current' : opsd ? 'values' : 'stored',
      refMeasured,
      adv.advs,
      adv.masks,
      options.detail === true,
    );
    const updateMs = performance.now() - t2;
    this.stepCount += 1;
    yield { stage: 'updated', reports };

    const traces: Trace[] = rows.map((_, s) => ({
      prompt: prompts[Math.floor(s / G)],
      response: texts[s],
      tokens: responseTokens(batch, s),
      advantages: adv.advs[s],
      mask: adv.masks[s],
      score: scored[s].score,
      correct: scored[s].correct,
      dense: scored[s].dense,
      ...(scored[s].verified ? { verified: scored[s].verified } : {}),
      detail: scored[s].detail,
      truncated: truncated(s),
    }));
    const metrics = stepMetrics({
      traces,
      G,
      reports,
      klMeasured: refMeasured,
      dropped: adv.dropped,
      zeroStdGroups: adv.zeroStd,
      groups: c.promptsPerStep,
      sampleMs: ro.ms,
      rewardMs,
      updateMs,
      sampledTokens: traces.reduce((a, t) => a + t.tokens.length, 0),
    });
    return { step: this.stepCount, metrics, traces };
  }

  private groupAdvantages(
    batch: SequenceBatch,
    scored: Scored[],
    truncated: (s: number) => boolean,
    mode: AdvantageMode,
  ): StepAdvantages {
    const c = this.cfg,
      G = c.groupSize;
    const advs: Float32Array[] = [],
      masks: Float32Array[] = [];
    let dropped = 0,
      zeroStd = 0;
    for (let p = 0; p < c.promptsPerStep; p++) {
      const group: ScoredTrajectory[] = [];
      for (let g = 0; g < G; g++) {
        const s = p * G + g;
        group.push({
          score: scored[s].score,
          length: responseLength(batch, s),
          truncated: c.truncationGuard && truncated(s),
        });
      }
      const ga = groupAdvantages(group, {
        mode,
        stdNormalize: c.stdNormalize,
        truncation: c.truncationRule,
        processTruncation: c.processTruncation,
      });
      advs.push(...ga.advantages);
      masks.push(...ga.masks);
      dropped += ga.dropped;
      if (ga.zeroVariance) zeroStd++;
    }
    return { advs, masks, dropped, zeroStd };
  }

  /** old: where the old log-probs come from (the update's own forward, logpOld's values, or the GPU copy);
   *  detail: each report also holds the update's log-probs. */
  private async update(
    batch: SequenceBatch,
    padded: PaddedBatch,
    logpOld: Float32Array | null,
    old: 'current' | 'values' | 'stored',
    refStored: boolean,
    advs: Float32Array[],
    masks: Float32Array[],
    detail: boolean,
  ): Promise<UpdateReport[]> {
    const c = this.cfg,
      S = batch.S,
      T = padded.T;
    const advPadded = scatterResponse(batch, T, advs);
    const maskPadded = scatterResponse(batch, T, masks);
    const beta = c.advantage === 'opsd' ? 0 : c.beta; // OPSD: no KL to the start model (method.md)
    const constant = c.sumNormConstant > 0 ? c.sumNormConstant : c.groupSize * c.maxNewTokens;
    const mb = Math.ceil(S / c.miniBatches);
    const reports: UpdateReport[] = [];
    for (let e = 0; e < c.epochs; e++) {
      for (let r0 = 0; r0 < S; r0 += mb) {
        const r1 = Math.min(S, r0 + mb),
          n = r1 - r0;
        const rowsOf = <A extends Float32Array | Int32Array>(a: A) => a.slice(r0 * T, r1 * T) as A;
        const rowMasks = Array.from({ length: n }, (_, i) => maskPadded.slice((r0 + i) * T, (r0 + i + 1) * T));
        const weight = lossWeights(rowMasks, c.aggregation, constant);
        const rows = { S: n, T, tokens: rowsOf(padded.tokens), targets: rowsOf(padded.targets) };
        const stored = { row0: r0 };
        const inputs = {
          adv: rowsOf(advPadded),
          weight,
          logpOld: old === 'stored' ? stored : old === 'values' ? rowsOf(logpOld as Float32Array) : null,
          logpRef: refStored ? stored : null,
        };
        const rep = await this.policy.pgUpdate(
          rows,
          inputs,
          { epsLow: c.epsLow, epsHigh: c.epsHigh, beta, entCoef: c.entCoef },
          { lr: c.lr, weightDecay: c.weightDecay, maxGradNorm: c.maxGradNorm },
          detail,
        );
        reports.push({ row0: r0, rep, weight, mask: rowsOf(maskPadded) });
      }
    }
    return reports;
  }

  /** Frees the decoder and the policy (its model, reference copy, optimiser and buffers). */
  destroy(): void {
    this.decoder.destroy();
    this.policy.destroy();
  }
}
