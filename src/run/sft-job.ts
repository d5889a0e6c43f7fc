// SFT as a RunJob (the method's SFT baseline): each step draws P problems from the same seeded stream
// the RL arms use and takes one AdamW step on next-token loss over (problem -> reference solution).
// Resumable bit-identically through policy-state.ts, like the RL arms.

import type { Gpu } from '../gpu/dispatch';
import { RlPolicy, type OptimHyper } from '../rl/policy';
import { sftStep } from '../rl/sft';
import type { RlStart } from '../rl/start-weights';
import type { JobStep, RunJob } from './job';
import { loadPolicyState, savePolicyState } from './policy-state';

export interface SftProblem {
  id: string;
  prompt: string;
  reference: string;
}

export interface SftJobSpec<P extends SftProblem> {
  steps: number;
  promptsPerStep: number; // examples per update (the RL arms' P)
  draw: () => P;
  hp: OptimHyper;
  meta?: Record<string, unknown>;
}

export class SftJob<P extends SftProblem> implements RunJob {
  readonly kind = 'sft';
  stepCount = 0;

  private constructor(
    readonly policy: RlPolicy,
    private readonly spec: SftJobSpec<P>,
  ) {}

  static create<P extends SftProblem>(gpu: Gpu, start: RlStart, spec: SftJobSpec<P>): SftJob<P> {
    return new SftJob(new RlPolicy(gpu, start.config, start.params, spec.promptsPerStep), spec);
  }

  static resume<P extends SftProblem>(gpu: Gpu, bytes: ArrayBuffer, spec: SftJobSpec<P>): SftJob<P> {
    const { policy, step } = loadPolicyState<Record<string, never>>(gpu, bytes, spec.promptsPerStep);
    const job = new SftJob(policy, spec);
    job.stepCount = step;
    for (let i = 0; i < step * spec.promptsPerStep; i++) spec.draw(); // the stream where it was
    return job;
  }

  get total(): number {
    return this.spec.steps;
  }

  async step(): Promise<JobStep> {
    const examples = Array.from({ length: this.spec.promptsPerStep }, () => this.spec.draw());
    const r = await sftStep(this.policy, examples, this.spec.hp);
    this.stepCount += 1;
    return {
      step: this.stepCount,
      values: { 'sft/loss': r.loss, 'sft/grad_norm': r.gradNorm, 'sft/tokens': r.tokens },
    };
  }

  saveCheckpoint(): Promise<ArrayBuffer> {
    return savePolicyState(this.policy, this.stepCount, {}, this.spec.meta);
  }

  destroy(): void {
    this.policy.destroy();
  }
}
