// The arms of the experiment in one table (method.md, "The baselines" and "Rewards"): each row says
// what Stage I does (nothing, SFT, or RL with a reward source and an advantage mode), the judge it
// uses, and the hyper-parameters where it differs from the shared RL settings, with the reason.
// Arms differ by a row here, never by a code path.

import type { AdvantageMode } from '../rl/advantages';
import type { RlConfig } from '../rl/rl-config';
import type { ReferenceMode } from '../judge/builtin';
import type { ScorerKind } from '../run/scorers';

export type ArmId =
  | 'base'
  | 'sft'
  | 'grpo'
  | 'opsd'
  | 'outcome'
  | 'process'
  | 'end-norm'
  | 'group-norm'
  | 'no-reference'
  | 'wrong-reference'
  | 'noisy-judge';

export interface ArmSpec {
  id: ArmId;
  label: string; // for tables and charts
  stageI: 'none' | 'sft' | 'rl';
  advantage?: AdvantageMode | 'opsd'; // RL arms
  scorer?: ScorerKind; // what the RL arm trains on
  judge?: { referenceMode: ReferenceMode; errorRate: number }; // the judge variant the arm's scorer uses
  rl?: Partial<RlConfig>; // differences from the shared Stage I RL settings
  lrScale?: number; // the arm's Stage I learning rate as a multiple of the shared RL one (default 1)
  ablation: boolean;
  why: string; // one line: what the arm tests
}

const GIVEN = { referenceMode: 'given' as const, errorRate: 0 };

export const ARMS: Record<ArmId, ArmSpec> = {
  base: {
    id: 'base',
    label: 'Base',
    stageI: 'none',
    ablation: false,
    why: 'no Stage I: where sparse RL starts without priming',
  },
  sft: {
    id: 'sft',
    label: 'SFT',
    stageI: 'sft',
    ablation: false,
    why: 'imitates the human references (next-token loss on problem -> reference)',
  },
  grpo: {
    id: 'grpo',
    label: 'Sparse GRPO',
    stageI: 'rl',
    advantage: 'sparse-grpo',
    scorer: 'sparse',
    rl: { epsHigh: 0.26 },
    ablation: false,
    why: '0/1 answer reward with std-normalised GRPO: the dead zone the method addresses (clip 0.2/0.26 as method.md)',
  },
  opsd: {
    id: 'opsd',
    label: 'Self-distillation',
    stageI: 'rl',
    advantage: 'opsd',
    scorer: 'sparse',
    rl: { beta: 0, epsHigh: 0.26 },
    lrScale: 0.1,
    ablation: false,
    why: 'the frozen start model with the reference in context teaches the student on its own samples (no KL to the start model; a tenth of the RL learning rate, as the authors)',
  },
  outcome: {
    id: 'outcome',
    label: 'ExpRL-Outcome',
    stageI: 'rl',
    advantage: 'outcome',
    scorer: 'outcome',
    judge: GIVEN,
    rl: { epsHigh: 0.28 },
    ablation: false,
    why: 'one judge score per response against the hidden reference, group-normalised (clip 0.2/0.28 as method.md)',
  },
  process: {
    id: 'process',
    label: 'ExpRL-Process',
    stageI: 'rl',
    advantage: 'delta-norm',
    scorer: 'process',
    judge: GIVEN,
    rl: { epsHigh: 0.26 },
    ablation: false,
    why: 'a judge score per ### step against the hidden reference, DeltaNorm advantages (the main method)',
  },
  'end-norm': {
    id: 'end-norm',
    label: 'Process (EndNorm)',
    stageI: 'rl',
    advantage: 'end-norm',
    scorer: 'process',
    judge: GIVEN,
    rl: { epsHigh: 0.26 },
    ablation: true,
    why: 'A_k = s_k - s_K: each step measured against the last',
  },
  'group-norm': {
    id: 'group-norm',
    label: 'Process (GroupNorm)',
    stageI: 'rl',
    advantage: 'group-norm',
    scorer: 'process',
    judge: GIVEN,
    rl: { epsHigh: 0.26 },
    ablation: true,
    why: 'A_k = s_k - group mean of per-token scores: rewards repeating a good step',
  },
  'no-reference': {
    id: 'no-reference',
    label: 'Process, no reference',
    stageI: 'rl',
    advantage: 'delta-norm',
    scorer: 'process',
    judge: { referenceMode: 'none', errorRate: 0 },
    rl: { epsHigh: 0.26 },
    ablation: true,
    why: 'the judge grades without the reference: does the scaffold matter?',
  },
  'wrong-reference': {
    id: 'wrong-reference',
    label: 'Process, wrong reference',
    stageI: 'rl',
    advantage: 'delta-norm',
    scorer: 'process',
    judge: { referenceMode: 'wrong', errorRate: 0 },
    rl: { epsHigh: 0.26 },
    ablation: true,
    why: "the judge grades against another problem's reference",
  },
  'noisy-judge': {
    id: 'noisy-judge',
    label: 'Process, noisy judge',
    stageI: 'rl',
    advantage: 'delta-norm',
    scorer: 'process',
    judge: { referenceMode: 'given', errorRate: 0.3 },
    rl: { epsHigh: 0.26 },
    ablation: true,
    why: "30% of grades replaced at random: (FNR+FPR)/2 near 18%, the paper's 4B judge",
  },
};

export const ARM_IDS = Object.keys(ARMS) as ArmId[];
export const MAIN_ARMS: ArmId[] = ['base', 'sft', 'grpo', 'opsd', 'outcome', 'process'];
export const ABLATION_ARMS: ArmId[] = [
  'process',
  'end-norm',
  'group-norm',
  'no-reference',
  'wrong-reference',
  'noisy-judge',
];

/** Stage II (method.md): sparse GRPO from each Stage I checkpoint, the authors' settings. */
export const STAGE2_RL: Partial<RlConfig> = {
  advantage: 'sparse-grpo',
  stdNormalize: false, // the authors divide by no std in Stage II
  aggregation: 'sum-norm', // Dr. GRPO: sum over tokens, constant normaliser
  // The authors add an entropy bonus of 1e-4 at lr 1e-6. At the toy's lr, in a group whose rewards are all
  // equal it is the only gradient, and Adam scales it to a full step: 0 here (docs/experiment.md).
  entCoef: 0,
  maxGradNorm: 0.3,
  beta: 0, // no KL to the Stage I model
  epsLow: 4, // the authors' PipelineRL clip, epsilon = 4: the ratio is kept in [1 - 4, 1 + 4], so only
  epsHigh: 4, //  extreme ratios are clipped (the lower bound never binds)
};
