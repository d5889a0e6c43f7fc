// The settings of one of our RL arms (an experiment preset's shared settings, the arm's row, the
// method's defaults) and their names in the two trainers we export to: the hydra overrides of the
// authors' verl scripts (violetxi/ExpRL, stage1_verl: main_rl_genrm and its launch scripts) and the
// fields of TRL's GRPOConfig. Scale settings (learning rate, batch and length limits) are not carried
// over: the toy's values are for a 4M-parameter model; the README of each export says so.

import { ARMS, type ArmId } from '../experiment/arms';
import { PRESETS } from '../experiment/presets';
import type { AggregationMode } from '../rl/aggregation';
import { DEFAULT_RL, type RlConfig } from '../rl/rl-config';
import { DEFAULT_LLM_JUDGE_CONFIG } from '../judge/llm-config';
import { UsageError } from './args';

/** The arms the two trainers can run: the judge-driven ExpRL arms and sparse GRPO. */
export const EXPORT_ARMS = ['outcome', 'process', 'end-norm', 'group-norm', 'grpo'] as const;
export type ExportArm = (typeof EXPORT_ARMS)[number];

export interface RunSettings {
  preset: string;
  arm: ExportArm;
  advantage: string; // our AdvantageMode
  groupSize: number;
  promptsPerStep: number;
  temperature: number; // rollouts
  evalTemperature: number;
  epsLow: number;
  epsHigh: number;
  beta: number; // k3 KL loss to the start model
  entCoef: number;
  aggregation: AggregationMode;
  stdNormalize: boolean;
  epochs: number;
  truncationGuard: boolean; // a response cut at the length limit gets reward 0
  truncationRule: RlConfig['truncationRule'];
  processTruncation: RlConfig['processTruncation']; // the process modes' rule for a truncated response
  scoreMapping: '(k-1)/4';
  stepDelimiter: string;
  lr: number; // the toy's, reported only
}

export function runSettings(preset: string, arm: ExportArm): RunSettings {
  const p = PRESETS[preset];
  if (!p)
    throw new UsageError(`--preset: unknown preset ${JSON.stringify(preset)} (${Object.keys(PRESETS).join(', ')})`);
  const spec = ARMS[arm as ArmId];
  const rl: RlConfig = {
    ...DEFAULT_RL,
    ...p.rl,
    ...spec.rl,
    groupSize: p.stageI.groupSize,
    promptsPerStep: p.stageI.promptsPerStep,
  };
  return {
    preset,
    arm,
    advantage: String(spec.advantage),
    groupSize: rl.groupSize,
    promptsPerStep: rl.promptsPerStep,
    temperature: rl.temperature,
    evalTemperature: p.eval.temperature,
    epsLow: rl.epsLow,
    epsHigh: rl.epsHigh,
    beta: rl.beta,
    entCoef: rl.entCoef,
    aggregation: rl.aggregation,
    stdNormalize: rl.stdNormalize,
    epochs: rl.epochs,
    truncationGuard: rl.truncationGuard,
    truncationRule: rl.truncationRule,
    processTruncation: rl.processTruncation,
    scoreMapping: '(k-1)/4',
    stepDelimiter: DEFAULT_LLM_JUDGE_CONFIG.stepDelimiter,
    lr: p.stageI.lr,
  };
}

/** verl's loss_agg_mode for each of our aggregation modes. */
const VERL_AGG: Record<AggregationMode, string> = {
  'token-mean': 'token-mean',
  'seq-mean-token-mean': 'seq-mean-token-mean',
  'sum-norm': 'seq-mean-token-sum-norm',
};

/** The authors' algorithm.adv_estimator and launch script for each arm. */
export const VERL_ARMS: Record<ExportArm, { estimator: string; script: string; entry: string; process: boolean }> = {
  outcome: { estimator: 'grpo', script: 'dense_outcome.sh', entry: 'verl.trainer.main_rl_genrm', process: false },
  process: {
    estimator: 'delta_process',
    script: 'dense_pr_delta.sh',
    entry: 'verl.trainer.main_rl_genrm',
    process: true,
  },
  'end-norm': {
    estimator: 'group_process_end',
    script: 'dense_pr_end.sh',
    entry: 'verl.trainer.main_rl_genrm',
    process: true,
  },
  'group-norm': {
    estimator: 'group_process',
    script: 'dense_pr_gppo.sh',
    entry: 'verl.trainer.main_rl_genrm',
    process: true,
  },
  grpo: { estimator: 'grpo', script: 'grpo.sh', entry: 'verl.trainer.main_ppo', process: false },
};

/**
 * Hydra overrides for the authors' launch script of `s.arm`, appended after their own (their scripts
 * end in `$@`; a later value wins). `++` sets a key whether or not the config has it yet.
 */
export function verlOverrides(
  s: RunSettings,
  files: { train: string; val?: string; outcomeTemplate: string; processTemplate: string },
): string[] {
  const a = VERL_ARMS[s.arm];
  const o = [
    `data.train_files=['${files.train}']`,
    ...(files.val ? [`data.val_files=['${files.val}']`] : []),
    `algorithm.adv_estimator=${a.estimator}`,
    `algorithm.norm_adv_by_std_in_grpo=${s.stdNormalize ? 'True' : 'False'}`,
    'algorithm.use_kl_in_reward=False',
    `data.train_batch_size=${s.promptsPerStep}`,
    `actor_rollout_ref.rollout.n=${s.groupSize}`,
    `actor_rollout_ref.rollout.temperature=${s.temperature}`,
    `actor_rollout_ref.rollout.val_kwargs.temperature=${s.evalTemperature}`,
    `actor_rollout_ref.actor.clip_ratio_low=${s.epsLow}`,
    `actor_rollout_ref.actor.clip_ratio_high=${s.epsHigh}`,
    `actor_rollout_ref.actor.use_kl_loss=${s.beta > 0 ? 'True' : 'False'}`,
    `actor_rollout_ref.actor.kl_loss_coef=${s.beta}`,
    'actor_rollout_ref.actor.kl_loss_type=low_var_kl',
    `actor_rollout_ref.actor.entropy_coeff=${s.entCoef}`,
    `actor_rollout_ref.actor.loss_agg_mode=${VERL_AGG[s.aggregation]}`,
    `actor_rollout_ref.actor.ppo_epochs=${s.epochs}`,
  ];
  if (s.arm === 'grpo') return o; // rule reward only: no judge settings
  o.push(
    `++custom_reward_function.norm_strategy=smooth`,
    `++custom_reward_function.clip_length=${s.truncationGuard ? 'True' : 'False'}`,
    `++custom_reward_function.prompt_template_path=${a.process ? files.processTemplate : files.outcomeTemplate}`,
  );
  if (a.process) o.push('++custom_reward_function.is_process=True', '++custom_reward_function.clip_by=full_sequence');
  return o;
}

/** TRL's GRPOConfig fields for the ExpRL-Outcome arm (or sparse GRPO with a rule reward). */
export function trlConfig(s: RunSettings): Record<string, string | number | boolean> {
  const lossType: Record<AggregationMode, string> = {
    'token-mean': 'dapo',
    'seq-mean-token-mean': 'grpo',
    'sum-norm': 'dr_grpo',
  };
  return {
    num_generations: s.groupSize,
    temperature: s.temperature,
    epsilon: s.epsLow,
    epsilon_high: s.epsHigh,
    beta: s.beta,
    loss_type: lossType[s.aggregation],
    scale_rewards: s.stdNormalize,
    num_iterations: s.epochs,
    max_completion_length: 1024, // tokens; the reward's length guard reads it too (edit both together: it is one field)
    mask_truncated_completions: false, // ours: a cut response keeps its place in the group with reward 0
    learning_rate: 1e-6, // method.md: the authors' RL learning rate for a 4B model (the toy's is not for real models)
  };
}
