// Hyper-parameters of one RL run (any arm: sparse GRPO, ExpRL-Outcome/Process, OPSD), with the
// method's defaults (method.md, "The policy loss") and the names RL users know from TRL and verl.

import type { AggregationMode } from './aggregation';
import type { AdvantageMode, ProcessTruncationRule, TruncationRule } from './advantages';
import { fieldChecks } from '../util/validate';

export interface RlConfig {
  promptsPerStep: number; // P prompts per step
  groupSize: number; // G samples per prompt (TRL num_generations); GRPO needs >= 2
  maxNewTokens: number; // TRL max_completion_length
  temperature: number;
  topK: number; // 0 = off
  topP: number; // 1 = off
  advantage: AdvantageMode | 'opsd'; // 'opsd': on-policy self-distillation (per-token teacher-student log-ratio)
  stdNormalize: boolean; // GRPO std division (Stage II of the authors: off)
  truncationGuard: boolean; // method.md: a response that hits the length limit gets reward 0 (off only for tasks
  //                           that grade a fixed-length prefix, such as the `digits` sanity task)
  truncationRule: TruncationRule; // 'penalize' (the authors'): a truncated response takes its group's negative
  //                                 advantage; 'zero-advantage': the older rule (reward 0, advantages 0)
  processTruncation: ProcessTruncationRule; // under the process modes: 'zero-advantage' (method.md, the authors'),
  //                                           or 'penalize' (its unfinished last segment scores 0)
  epsLow: number; // 0.2
  epsHigh: number; // 0.28 Outcome, 0.26 Process and sparse GRPO
  beta: number; // k3 KL-loss coefficient to the frozen start model (0.001); 0 skips the reference pass
  entCoef: number; // entropy bonus (0 in Stage I)
  aggregation: AggregationMode; // token-mean (DAPO) by default
  sumNormConstant: number; // Dr. GRPO divisor for 'sum-norm' (0: G * maxNewTokens)
  epochs: number; // PPO epochs per batch (1)
  miniBatches: number; // mini-batches per epoch (1); old log-probs always from the sampling policy
  lr: number;
  weightDecay: number;
  maxGradNorm: number;
  seed: number;
}

export const DEFAULT_RL: RlConfig = {
  promptsPerStep: 8,
  groupSize: 8,
  maxNewTokens: 48,
  temperature: 1.0,
  topK: 0,
  topP: 1,
  advantage: 'sparse-grpo',
  stdNormalize: true,
  truncationGuard: true,
  truncationRule: 'penalize',
  processTruncation: 'zero-advantage',
  epsLow: 0.2,
  epsHigh: 0.26,
  beta: 0.001,
  entCoef: 0,
  aggregation: 'token-mean',
  sumNormConstant: 0,
  epochs: 1,
  miniBatches: 1,
  lr: 1e-4,
  weightDecay: 0,
  maxGradNorm: 1.0,
  seed: 1,
};

// Every mode, listed once: `satisfies` fails to compile when a mode is added to the types but not here.
const ADVANTAGE_MODES = {
  'sparse-grpo': 1,
  outcome: 1,
  'delta-norm': 1,
  'end-norm': 1,
  'group-norm': 1,
  opsd: 1,
} satisfies Record<RlConfig['advantage'], 1>;
const AGGREGATION_MODES = { 'token-mean': 1, 'seq-mean-token-mean': 1, 'sum-norm': 1 } satisfies Record<
  AggregationMode,
  1
>;

/** Refuses a config the RL step cannot run, with a message naming the field. */
export function validateRlConfig(c: RlConfig): void {
  const { int, num, oneOf, bool } = fieldChecks(c);
  int('promptsPerStep', 1, 4096);
  int('groupSize', 2, 1024);
  int('maxNewTokens', 1, 1024);
  int('topK', 0, 1 << 20);
  int('epochs', 1, 100);
  int('miniBatches', 1, c.promptsPerStep * c.groupSize);
  int('seed', 0, 2 ** 31 - 1);
  num('temperature', 0, 100);
  num('topP', 0.0001, 1);
  num('epsLow', 0, 10); // above 1 the lower clip never binds (the authors' Stage II uses 4)
  num('epsHigh', 0, 10);
  num('beta', 0, 100);
  num('entCoef', -10, 10);
  num('sumNormConstant', 0, 1e12);
  num('lr', 1e-9, 1);
  num('weightDecay', 0, 1);
  num('maxGradNorm', 0, 1e9);
  oneOf('advantage', Object.keys(ADVANTAGE_MODES));
  oneOf('aggregation', Object.keys(AGGREGATION_MODES));
  bool('stdNormalize');
  bool('truncationGuard');
  oneOf('truncationRule', ['penalize', 'zero-advantage']);
  oneOf('processTruncation', ['zero-advantage', 'penalize']);
}
