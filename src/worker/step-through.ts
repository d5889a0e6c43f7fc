// The step-through: one RL step of a setup run a stage at a time, for people to look at. It builds the
// setup's job as a run would (rl-builder.ts) but stores nothing, and drives the job's own step stages
// (RlJob.stages, RlLoop.stages), pausing after sampling, scoring, the advantages and the update. Before
// and after the update it runs a forward pass over the same batch (the policy's log-probs of every
// sampled token with the old and the new weights), so the page can colour each token by how much the
// update moved it. Steps follow one another: the policy keeps its updates until the step-through closes.

import type { Gpu } from '../gpu/dispatch';
import type { ArmScoring } from '../experiment/arm-scoring';
import { gatherResponse, type PaddedBatch, type SequenceBatch } from '../rl/rl-batch';
import type { LoopStage } from '../rl/rl-loop';
import type { JobStep } from '../run/job';
import { RlJob } from '../run/rl-job';
import type { TaskProblem } from '../run/scorers';
import { judgedOf, samplesOf, updatesOf, type StepView } from '../run/step-stages';
import type { RlRunSetup, Rescore, PageJudge } from './api';
import type { JudgeSlot } from './judge-slot';
import { buildRlJob } from './rl-builder';
import { settingsOf, type Rescorer } from './rescorer';
import { judgeSights, trainedJudge } from './trained-judge';

let opened = 0; // names each step-through for the re-score cache

export class StepThrough {
  private stages?: AsyncGenerator<LoopStage, JobStep, void>; // the step in flight
  private batch?: { seqs: SequenceBatch; padded: PaddedBatch };
  private view?: StepView;
  private readonly id = ++opened;

  private constructor(
    readonly key: string, // the setup it runs (a step-through of another setup is a new one)
    private readonly setup: RlRunSetup,
    private readonly job: RlJob<TaskProblem>,
    private readonly scoring: ArmScoring,
  ) {}

  /** Builds the setup's policy and job (nothing stored); refuses an arm without RL steps. */
  static async open(gpu: Gpu, setup: RlRunSetup, start: ArrayBuffer, judges: JudgeSlot): Promise<StepThrough> {
    const built = await buildRlJob(gpu, setup, start, judges);
    if (!(built.job instanceof RlJob)) {
      built.job.destroy();
      throw new Error('this arm trains by SFT (next-token loss): it has no RL step to step through');
    }
    const job = built.job as RlJob<TaskProblem>;
    const scoring = {
      problems: new Map(built.world.train.map((p) => [p.id, p])),
      pool: built.world.train,
      cfg: job.loop.cfg,
    };
    return new StepThrough(JSON.stringify(setup), setup, job, scoring);
  }

  /** The step in flight as it stands, or the next step sampled (its first stage). */
  async begin(): Promise<StepView> {
    if (this.stages && this.view) return this.view;
    this.stages = this.job.stages(undefined, { detail: true });
    const st = await this.advance('sampled');
    const { batch, padded, texts, truncated } = st;
    this.batch = { seqs: batch, padded };
    const problems = this.job.drawn;
    this.view = {
      step: this.job.stepCount + 1,
      stage: 'samples',
      settings: settingsOf(this.setup, this.scoring),
      G: this.job.loop.cfg.groupSize,
      problems: problems.map((p) => ({ id: p.id, prompt: p.prompt, reference: p.reference, answer: p.answer })),
      sights: judgeSights(trainedJudge(this.setup), problems, this.scoring.pool, this.setup.seed),
      samples: samplesOf(batch, texts, truncated),
    };
    return this.view;
  }

  /** Runs the next stage; after the last one, the next step. */
  async next(): Promise<StepView> {
    const v = this.view;
    if (!this.stages || !v || !this.batch) return this.begin();
    const { seqs, padded } = this.batch;
    if (v.stage === 'samples') {
      const st = await this.advance('scored');
      this.view = { ...v, stage: 'judge', judged: judgedOf(st.scored) };
    } else if (v.stage === 'judge') {
      const st = await this.advance('advantages');
      const advantages = st.advs.map((a, s) => ({ advantages: Array.from(a), mask: Array.from(st.masks[s]) }));
      this.view = { ...v, stage: 'advantages', advantages, before: await this.logprobs(seqs, padded) };
    } else if (v.stage === 'advantages') {
      const st = await this.advance('updated');
      const updates = updatesOf(seqs, padded.T, st.reports, v.settings.epochs);
      this.view = { ...v, stage: 'loss', updates };
    } else {
      const done = await this.stages.next();
      if (!done.done) throw new Error(`the step went on past its update (stage ${done.value.stage})`);
      this.stages = undefined;
      const metrics = done.value.values as Record<string, number>;
      this.view = { ...v, stage: 'changed', after: await this.logprobs(seqs, padded), metrics };
    }
    return this.view;
  }

  /** The step's samples graded again (the step-through's step as it stands). */
  rescore(rescorer: Rescorer, judge: PageJudge | null): Promise<Rescore> {
    const v = this.view;
    if (!v) throw new Error('no step to re-score: press Step first');
    const set = { G: v.G, problems: v.problems, traces: v.samples };
    return rescorer.samples(`step-through:${this.id}:${v.step}`, set, this.setup, this.scoring, judge);
  }

  /** The policy's current weights (those its last 'after' log-probs were computed with). */
  params(): Promise<Float32Array> {
    return this.job.loop.policy.params();
  }

  /** Frees the policy. Never throws. */
  destroy(): void {
    void this.stages?.return(undefined as unknown as JobStep).catch(() => undefined);
    this.stages = undefined;
    try {
      this.job.destroy();
    } catch {
      /* the device may already be gone */
    }
  }

  /** Runs the step to its next pause, which must be `want`; a failure ends the step in flight. */
  private async advance<K extends LoopStage['stage']>(want: K): Promise<Extract<LoopStage, { stage: K }>> {
    const it = this.stages as AsyncGenerator<LoopStage, JobStep, void>;
    try {
      const n = await it.next();
      if (n.done || n.value.stage !== want) throw new Error(`the step did not stop after '${want}'`);
      return n.value as Extract<LoopStage, { stage: K }>;
    } catch (e) {
      this.stages = undefined;
      this.view = undefined;
      throw e;
    }
  }

  /** The policy's log-prob of every response token of the batch, with its current weights (one forward pass). */
  private async logprobs(seqs: SequenceBatch, padded: PaddedBatch): Promise<number[][]> {
    const lp = await this.job.loop.policy.logprobs(padded, 'policy');
    return gatherResponse(seqs, padded.T, lp).map((r) => Array.from(r));
  }
}
