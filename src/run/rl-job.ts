// An RL run as a RunJob: each step draws P problems from a seeded stream, samples G responses each,
// scores them with the job's scorer (answer checker or judge), and runs the policy update (RlLoop).
// Its checkpoint (policy-state.ts) holds the policy, AdamW's state, the frozen reference and the
// prompts solved so far, so a resumed job continues bit-identically (the stream is fast-forwarded).

import type { Gpu } from '../gpu/dispatch';
import { RlLoop, runStages, type LoopStage, type Scored, type StageOptions, type Trace } from '../rl/rl-loop';
import { createRlLoop, type RlStart } from '../rl/start-weights';
import type { RlConfig } from '../rl/rl-config';
import type { JobStep, Preview, RunJob } from './job';
import { loadPolicyState, savePolicyState } from './policy-state';
import {
  checkGrades,
  failureShare,
  failureValues,
  tally,
  verdictsOf,
  type GradePolicy,
  type GradeTally,
} from './grade-failures';

/** What the loop needs of a problem: the prompt the policy sees, and (OPSD only) the hidden reference. */
export interface RlProblem {
  id: string;
  prompt: string;
  reference?: string;
}

export interface RlJobSpec<P extends RlProblem> {
  cfg: RlConfig;
  steps: number; // the step budget
  draw: () => P; // the next problem of a seeded stream (P draws per step, in order)
  score: (problem: P, response: string, truncated: boolean) => Promise<Scored>;
  meta?: Record<string, unknown>; // provenance written into every checkpoint
  maxT?: number; // the longest padded length a step builds (rl-batch.ts maxPaddedLength): the policy's buffers; default the context
  grades?: GradePolicy; // when the judge's failures stop the run (none: failed grades are only dropped)
}

export interface TracesPreview extends Preview {
  kind: 'traces';
  data: { problems: RlProblem[]; G: number; traces: Trace[] };
}

interface SavedJobState {
  unlocked: string[]; // ids of training prompts with at least one correct sample so far
}

export class RlJob<P extends RlProblem> implements RunJob {
  readonly kind = 'rl';
  readonly unlocked = new Set<string>();
  drawn: P[] = []; // the problems of the step in flight (or the last one)

  private constructor(
    readonly loop: RlLoop,
    private readonly spec: RlJobSpec<P>,
  ) {}

  /** A new RL run from start weights (a fresh AdamW; the reference is the start model). */
  static create<P extends RlProblem>(gpu: Gpu, start: RlStart, spec: RlJobSpec<P>): RlJob<P> {
    return new RlJob(createRlLoop(gpu, start, spec.cfg, spec.maxT), spec);
  }

  /** Continues a run from one of its own checkpoints (same spec): weights, AdamW, reference, stream position. */
  static resume<P extends RlProblem>(gpu: Gpu, bytes: ArrayBuffer, spec: RlJobSpec<P>): RlJob<P> {
    const {
      policy,
      step,
      job: saved,
    } = loadPolicyState<SavedJobState>(gpu, bytes, spec.cfg.promptsPerStep * spec.cfg.groupSize, spec.maxT);
    const job = new RlJob(new RlLoop(gpu, policy, spec.cfg), spec);
    job.loop.stepCount = step;
    for (const id of saved.unlocked) job.unlocked.add(id);
    for (let i = 0; i < step * spec.cfg.promptsPerStep; i++) spec.draw(); // the stream where it was
    return job;
  }

  get total(): number {
    return this.spec.steps;
  }

  get stepCount(): number {
    return this.loop.stepCount;
  }

  step(signal?: AbortSignal): Promise<JobStep> {
    return runStages(this.stages(signal));
  }

  stepAtLimit(signal?: AbortSignal): Promise<JobStep> {
    return runStages(this.stages(signal, { toLimit: true }));
  }

  /** The same step as the loop's stages (RlLoop.stages): a stepper pauses after each; `drawn` holds its problems. */
  async *stages(signal?: AbortSignal, options?: StageOptions): AsyncGenerator<LoopStage, JobStep, void> {
    const { cfg } = this.spec;
    const problems = Array.from({ length: cfg.promptsPerStep }, () => this.spec.draw());
    this.drawn = problems;
    const references =
      cfg.advantage === 'opsd'
        ? problems.map((p, i) => {
            if (p.reference === undefined)
              throw new Error(`OPSD needs the reference of every problem; problem ${i} (${p.id}) has none`);
            return p.reference;
          })
        : undefined;
    let failures: GradeTally = { graded: 0, failed: 0, byCause: {} };
    const check = (scored: Scored[]) => {
      failures = tally(scored.flatMap((x) => verdictsOf(x.detail)));
      if (this.spec.grades) checkGrades(failures, this.spec.grades, `step ${this.stepCount + 1}`);
    };
    const r = yield* this.loop.stages(
      problems.map((p) => p.prompt),
      (item, response, truncated) => this.spec.score(problems[item], response, truncated),
      references,
      signal,
      check,
      options,
    );
    r.traces.forEach((t, s) => {
      if (t.correct === 1) this.unlocked.add(problems[Math.floor(s / cfg.groupSize)].id);
    });
    const preview: TracesPreview = {
      kind: 'traces',
      step: r.step,
      data: { problems, G: cfg.groupSize, traces: r.traces },
    };
    return {
      step: r.step,
      values: {
        ...r.metrics,
        'rl/solvable_unlocked': this.unlocked.size,
        ...failureValues(failures),
        ...failureShare(failures),
      },
      previews: [preview],
    };
  }

  saveCheckpoint(): Promise<ArrayBuffer> {
    const state: SavedJobState = { unlocked: [...this.unlocked] };
    return savePolicyState(this.loop.policy, this.stepCount, state, this.spec.meta);
  }

  destroy(): void {
    this.loop.destroy();
  }
}
