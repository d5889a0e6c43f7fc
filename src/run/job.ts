// The contract every kind of run implements (pre-training, SFT, an RL arm, an evaluation): a step
// count and a total, one step at a time returning named metric values, a checkpoint of its state,
// optional previews, and release of its GPU objects. GPU-free and DOM-free: lifecycle.ts drives any
// job the same way in the worker and in the CLIs; how a job is built (fresh or from a checkpoint) is
// each job's own factory.

import type { MetricValues } from './metric-names';

/** Something a step produced for people to look at (generations, rollout traces). Plain data. */
export interface Preview {
  kind: string; // 'samples' | 'traces' | ...
  step: number;
  data: unknown;
}

export interface JobStep {
  step: number; // 1-based index of the step just taken (== job.stepCount afterwards)
  values: MetricValues;
  previews?: Preview[];
}

export interface RunJob {
  readonly kind: string; // 'pretrain' | 'sft' | 'rl' | 'eval'
  readonly total: number; // the step budget; the job is done when stepCount reaches it
  readonly stepCount: number; // steps taken so far (a resumed job starts at its checkpoint's)
  /**
   * Takes one step. Rejects with a clear message when it cannot (its state is then the last good one).
   * A job that can stop mid-step (an RL job: while sampling) rejects with the reason of an aborted
   * `signal`; it is then only fit to be destroyed. Others ignore the signal.
   */
  step(signal?: AbortSignal): Promise<JobStep>;
  /** A step whose sampled responses all run to the length limit, to time the longest step (an RL job's);
   *  it trains like any step, so only a job that is thrown away afterwards takes it. */
  stepAtLimit?(signal?: AbortSignal): Promise<JobStep>;
  /** Everything needed to continue bit-identically, in the checkpoint format of src/model/checkpoint.ts. */
  saveCheckpoint(): Promise<ArrayBuffer>;
  /** Previews of the current state on demand (e.g. at the end of a run); none by default. */
  preview?(): Promise<Preview[]>;
  /** Frees GPU objects; the job is unusable afterwards. Never throws. */
  destroy(): void;
}
