// The checkpoint of a job that trains the RL policy (an RL arm, SFT): weights, AdamW's moments, the
// frozen reference, and in meta.job the AdamW step counter plus the job's own state, so a resumed job
// continues bit-identically. Written once for every such job.

import type { Gpu } from '../gpu/dispatch';
import { decodeCheckpoint, encodeCheckpoint } from '../model/checkpoint';
import { RlPolicy } from '../rl/policy';

export interface PolicyJobState<S> {
  adamStep: number; // AdamW updates taken (not the job's steps: epochs x mini-batches per RL step)
  job: S; // the job's own state (prompts solved so far, ...)
}

/** The policy and job state as checkpoint bytes. */
export async function savePolicyState<S>(
  policy: RlPolicy,
  step: number,
  job: S,
  meta?: Record<string, unknown>,
): Promise<ArrayBuffer> {
  const [params, { ref, adam }] = await Promise.all([policy.params(), policy.resumeState()]);
  const state: PolicyJobState<S> = { adamStep: adam.step, job };
  return encodeCheckpoint(
    policy.config,
    step,
    { params, 'adam.m': adam.m, 'adam.v': adam.v, ref },
    { ...meta, policyJob: state },
  );
}

/** A policy rebuilt from savePolicyState bytes, with the step and the job's state. */
export function loadPolicyState<S>(
  gpu: Gpu,
  bytes: ArrayBuffer,
  maxRows: number,
  maxT?: number,
): { policy: RlPolicy; step: number; job: S } {
  const ck = decodeCheckpoint(bytes);
  const { params, ref, 'adam.m': m, 'adam.v': v } = ck.sections;
  const saved = ck.header.meta?.policyJob as PolicyJobState<S> | undefined;
  if (!params || !ref || !m || !v || !saved || !Number.isInteger(saved.adamStep)) {
    throw new Error(
      'this checkpoint is not one a training job wrote mid-run (it lacks the reference, the optimiser state or the job state): start the job again',
    );
  }
  const policy = new RlPolicy(
    gpu,
    ck.header.config,
    params,
    maxRows,
    { ref, adam: { m, v, step: saved.adamStep } },
    maxT,
  );
  return { policy, step: ck.header.step, job: saved.job };
}
