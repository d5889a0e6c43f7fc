// Evaluation as a RunJob (method.md, "What is measured"): n samples per held-out problem at a fixed
// temperature, a batch of problems per step, counting the correct ones (c of n) per problem; with a
// judge, also its whole-response score. The result gives pass@1 and pass@k by the unbiased estimator,
// the mean judge score and the mean response length. The weights are frozen; the checkpoint holds the
// counts so far, so a stopped evaluation resumes where it was. A batch's samples are graded
// concurrently (the judge's own limiter bounds the calls in flight); with a grade policy, a batch
// whose grades say the judge is out rejects before it counts anything.

import type { Gpu } from '../gpu/dispatch';
import { upload } from '../gpu/buffers';
import { GpuModel } from '../model/gpu-model';
import { GpuDecoder } from '../model/decode';
import { sampleRollouts } from '../model/sampling';
import { decodeCheckpoint, encodeCheckpoint } from '../model/checkpoint';
import type { ModelConfig } from '../model/config';
import { BOS_ID, EOS_ID, decode, encode } from '../model/tokenizer';
import { meanPassAtK } from '../rl/pass-at-k';
import { sparseReward } from '../tasks/checker';
import type { Judge, RubricMode } from '../judge/types';
import { judgeProblem, type TaskProblem } from './scorers';
import { stepLines, verifyResponse } from '../tasks/verifier';
import { addCounts, checkGrades, failureValues, tally, type FailureCounts, type GradePolicy } from './grade-failures';
import type { JobStep, RunJob } from './job';

export interface EvalSpec {
  problems: TaskProblem[]; // the held-out split
  n: number; // samples per problem
  k: number; // pass@k (k <= n)
  temperature: number; // 0.8 (method.md)
  maxNewTokens: number;
  problemsPerStep: number; // problems sampled together (n rows each)
  seed: number;
  judge?: Judge; // for the mean judge score (optional)
  rubricMode: RubricMode;
  keepExamples: number; // responses kept for display (the first sample of the first problems)
  grades?: GradePolicy; // when the judge's failures stop the evaluation (none: failed grades are only left out)
}

export interface EvalExample {
  id: string;
  prompt: string;
  answer: string;
  response: string;
  correct: 0 | 1;
}

/** Every sample's grades, so any figure can be recomputed: correct, steps right in order, judge k, truncated. */
export interface ProblemGrades {
  id: string;
  c: number; // correct samples of n
  steps: number; // the problem's reference steps (0: not a generated problem, no verifier)
  inOrder: number[]; // (n) steps right in order, per sample
  judgeK: (number | null)[]; // (n) the judge's Likert score (null: failed, or no judge); judgeScore counts a truncated sample 0
  truncated: number[]; // (n) 1 when the sample hit the length limit
}

export interface EvalResult {
  n: number;
  k: number;
  temperature: number;
  perProblem: ProblemGrades[]; // in problem order
  passAt1: number;
  passAtK: number;
  passAt: Record<string, number>; // pass@k for every k in EVAL_KS up to n
  stepsInOrder: number | null; // the verifier: mean share of a problem's steps right in order (null without known steps)
  allSteps: number | null; // the verifier: share of samples with every step right in order
  judgeScore: number | null; // mean (k-1)/4 over samples (a truncated one scores 0, method.md); null without a judge
  judgeFailures: number; // samples whose grade did not parse (left out of the mean)
  judgeFailuresByCause?: FailureCounts; // the same, by cause (http-500, timeout, no-score, ...)
  meanLength: number; // response tokens
  examples: EvalExample[];
}

/** The pass@k figures every evaluation reports (those up to n). */
export const EVAL_KS = [1, 4, 8, 16];

interface Counts {
  correct: number[]; // per problem evaluated so far
  grades?: ProblemGrades[]; // per problem evaluated so far (absent in checkpoints of older versions)
  judgeSum: number;
  judged: number;
  judgeFailures: number;
  failuresByCause?: FailureCounts; // absent in checkpoints of older versions
  lengthSum: number;
  samples: number;
  examples: EvalExample[];
}

export class EvalJob implements RunJob {
  readonly kind = 'eval';
  stepCount = 0;
  private counts: Counts = {
    correct: [],
    judgeSum: 0,
    judged: 0,
    judgeFailures: 0,
    failuresByCause: {},
    lengthSum: 0,
    samples: 0,
    examples: [],
  };
  private readonly model: GpuModel;
  private readonly decoder: GpuDecoder;

  constructor(
    readonly gpu: Gpu,
    readonly config: ModelConfig,
    readonly params: Float32Array,
    private readonly spec: EvalSpec,
  ) {
    if (!Number.isInteger(spec.n) || spec.n < 1) throw new Error(`eval: n must be a positive integer, got ${spec.n}`);
    if (!Number.isInteger(spec.k) || spec.k < 1 || spec.k > spec.n)
      throw new Error(`eval: k must be an integer in [1, n=${spec.n}], got ${spec.k}`);
    if (spec.problems.length === 0) throw new Error('eval: no problems to evaluate');
    const rows = spec.n * Math.min(spec.problemsPerStep, spec.problems.length);
    this.model = new GpuModel(gpu, config, 1, 1);
    try {
      upload(gpu.device, this.model.params, params);
      this.decoder = new GpuDecoder(gpu, this.model, rows, config.contextLength);
    } catch (e) {
      this.model.destroy();
      throw e;
    }
  }

  /** Continues an evaluation from its own checkpoint (same spec). */
  static resume(gpu: Gpu, bytes: ArrayBuffer, spec: EvalSpec): EvalJob {
    const ck = decodeCheckpoint(bytes);
    const counts = ck.header.meta?.evalJob as Counts | undefined;
    if (!counts || !Array.isArray(counts.correct))
      throw new Error('this checkpoint is not one an evaluation wrote mid-run: start the evaluation again');
    const job = new EvalJob(gpu, ck.header.config, ck.sections['params'], spec);
    job.counts = counts;
    job.stepCount = ck.header.step;
    return job;
  }

  get total(): number {
    return Math.ceil(this.spec.problems.length / this.spec.problemsPerStep);
  }

  async step(): Promise<JobStep> {
    const s = this.spec,
      n = s.n;
    const batch = s.problems.slice(this.stepCount * s.problemsPerStep, (this.stepCount + 1) * s.problemsPerStep);
    const prompts = batch.flatMap((p) =>
      Array.from({ length: n }, () => Int32Array.from([BOS_ID, ...encode(p.prompt)])),
    );
    const ro = await sampleRollouts(this.gpu, this.model, this.decoder, prompts, {
      temperature: s.temperature,
      topK: 0,
      topP: 1,
      seed: (s.seed * 7919 + 104729 * (this.stepCount + 1)) >>> 0,
      maxNewTokens: s.maxNewTokens,
      eosId: EOS_ID,
      chunk: 16,
    });
    const samples = batch.flatMap((p, b) =>
      Array.from({ length: n }, (_, j) => {
        const row = b * n + j;
        const tokens = ro.seqs.subarray(
          row * this.decoder.Tmax + ro.promptLens[row],
          row * this.decoder.Tmax + ro.lengths[row],
        );
        const response = decode(tokens);
        const truncated = ro.truncated[row] === 1;
        return {
          p,
          j,
          length: tokens.length,
          response,
          truncated,
          correct: truncated ? 0 : sparseReward(p, response),
          inOrder: p.worked ? verifyResponse(p, response).inOrder : 0,
        };
      }),
    );
    const judge = s.judge;
    // every sample is graded (the inspector shows why), all together; a truncated one then scores 0 (method.md's guard)
    const grades = judge
      ? await Promise.all(
          samples.map((x) => judge.outcome(judgeProblem(x.p), x.response, { rubricMode: s.rubricMode })),
        )
      : [];
    const graded = grades.filter((g): g is NonNullable<typeof g> => g !== null);
    const failures = tally(graded);
    if (s.grades) checkGrades(failures, s.grades, `evaluation batch ${this.stepCount + 1}`);
    const c = this.counts;
    samples.forEach((x, i) => {
      c.lengthSum += x.length;
      c.samples++;
      const g = grades[i];
      if (g && g.reward === null) c.judgeFailures++;
      else if (judge && x.truncated)
        c.judged++; // scores 0
      else if (g && g.reward !== null) ((c.judgeSum += g.reward), c.judged++);
      if (x.j === 0 && c.examples.length < s.keepExamples)
        c.examples.push({
          id: x.p.id,
          prompt: x.p.prompt,
          answer: x.p.answer,
          response: x.response,
          correct: x.correct,
        });
    });
    c.failuresByCause = addCounts(c.failuresByCause ?? {}, failures.byCause);
    c.grades ??= [];
    for (let b = 0; b < batch.length; b++) {
      const mine = samples.slice(b * n, (b + 1) * n);
      c.correct.push(mine.reduce((a, x) => a + x.correct, 0));
      c.grades.push({
        id: batch[b].id,
        c: c.correct[c.correct.length - 1],
        steps: batch[b].worked ? stepLines(batch[b].worked).length : 0,
        inOrder: mine.map((x) => x.inOrder),
        judgeK: mine.map((_, j) => grades[b * n + j]?.k ?? null),
        truncated: mine.map((x) => (x.truncated ? 1 : 0)),
      });
    }
    this.stepCount += 1;
    const r = this.result();
    return {
      step: this.stepCount,
      values: {
        'eval/pass@1': r.passAt1,
        'eval/pass@k': r.passAtK,
        ...(r.stepsInOrder !== null
          ? { 'eval/steps_in_order': r.stepsInOrder, 'eval/all_steps': r.allSteps as number }
          : {}),
        ...(r.judgeScore !== null ? { 'eval/judge_score': r.judgeScore } : {}),
        'eval/mean_length': r.meanLength,
        ...failureValues(failures),
      },
    };
  }

  /** The figures over the problems evaluated so far (all of them once the job is done). */
  result(): EvalResult {
    const s = this.spec,
      c = this.counts;
    const perProblem =
      c.grades ??
      c.correct.map((x, i) => ({ id: s.problems[i].id, c: x, steps: 0, inOrder: [], judgeK: [], truncated: [] }));
    const counts = c.correct.map((x) => ({ n: s.n, c: x }));
    const verified = perProblem.filter((g) => g.steps > 0);
    const samplesOf = (f: (g: ProblemGrades, x: number) => number) =>
      verified.reduce((a, g) => a + g.inOrder.reduce((b, x) => b + f(g, x), 0), 0);
    const nVerified = verified.reduce((a, g) => a + g.inOrder.length, 0);
    return {
      n: s.n,
      k: s.k,
      temperature: s.temperature,
      perProblem,
      passAt1: meanPassAtK(counts, 1),
      passAtK: meanPassAtK(counts, s.k),
      passAt: Object.fromEntries(EVAL_KS.filter((k) => k <= s.n).map((k) => [String(k), meanPassAtK(counts, k)])),
      stepsInOrder: nVerified > 0 ? samplesOf((g, x) => x / g.steps) / nVerified : null,
      allSteps: nVerified > 0 ? samplesOf((g, x) => (x === g.steps ? 1 : 0)) / nVerified : null,
      judgeScore: c.judged > 0 ? c.judgeSum / c.judged : null,
      judgeFailures: c.judgeFailures,
      judgeFailuresByCause: { ...(c.failuresByCause ?? {}) },
      meanLength: c.samples > 0 ? c.lengthSum / c.samples : 0,
      examples: c.examples,
    };
  }

  async saveCheckpoint(): Promise<ArrayBuffer> {
    return encodeCheckpoint(this.config, this.stepCount, { params: this.params }, { evalJob: this.counts });
  }

  destroy(): void {
    this.decoder.destroy();
    this.model.destroy();
  }
}
