// The one table of metric names every run writes: pretrain/*, sft/*, rl/* (the TRL / verl names after
// the prefix), eval/* and judge/*, each with its unit, a short column header and a one-line meaning.
// CLIs' progress lines, the worker's events, the store and the charts all use these names.

export interface MetricInfo {
  unit: string; // '' for plain counts and ratios in [0, 1]
  short: string; // column header of the CLIs' progress lines (at most 9 characters)
  meaning: string; // one line, shown beside charts and in --help
  digits: number; // decimals when printed
}

const m = (unit: string, short: string, digits: number, meaning: string): MetricInfo => ({
  unit,
  short,
  digits,
  meaning,
});

export const METRICS = {
  // Pre-training (one AdamW step on a batch of the corpus).
  'pretrain/loss': m('nats/token', 'loss', 4, 'mean next-token cross-entropy of the batch'),
  'pretrain/grad_norm': m('', 'grad', 3, 'global gradient norm before clipping'),
  'pretrain/lr': m('', 'lr', 6, 'learning rate of the step (warm-up, then cosine decay)'),
  'pretrain/tokens_per_s': m('tokens/s', 'tok/s', 0, 'training tokens processed per second'),
  'pretrain/ms_per_step': m('ms', 'ms', 0, 'wall time of one step'),
  // Supervised fine-tuning on (problem -> reference).
  'sft/loss': m('nats/token', 'loss', 4, 'mean next-token cross-entropy over reference tokens'),
  'sft/grad_norm': m('', 'grad', 3, 'global gradient norm before clipping'),
  'sft/tokens': m('tokens', 'tokens', 0, 'reference tokens in the loss'),
  // RL steps (names after the prefix as in TRL / verl).
  'rl/reward': m('', 'reward', 3, 'mean reward the arm trains on (judge score or 0/1 correctness)'),
  'rl/reward_std': m('', 'std', 3, 'standard deviation of that reward over the batch'),
  'rl/correct': m('', 'correct', 3, 'share of responses whose final answer is right (the sparse 0/1 reward)'),
  'rl/dense_reward': m(
    '',
    'dense',
    3,
    'mean judge score (k-1)/4 against the hidden reference, whatever the arm trains on',
  ),
  'rl/steps_in_order': m(
    '',
    'steps',
    3,
    "the verifier: mean share of a problem's steps right in order in the step's responses (no arm trains on it)",
  ),
  'rl/all_steps': m('', 'all_steps', 3, "the verifier: share of the step's responses with every step right in order"),
  'rl/frac_reward_zero_std': m(
    '',
    'zero_std',
    2,
    'share of groups whose trained reward has zero variance (no GRPO signal)',
  ),
  'rl/frac_sparse_zero_std': m('', 'dead', 2, 'share of groups whose 0/1 correctness has zero variance: the dead zone'),
  'rl/solvable_unlocked': m('prompts', 'unlocked', 0, 'training prompts with at least one correct sample so far'),
  'rl/dropped': m('responses', 'dropped', 0, 'responses left out of the loss (judge reply not parsed)'),
  'rl/loss': m('', 'loss', 4, 'policy loss of the update'),
  'rl/kl': m('nats/token', 'kl', 5, 'k3 KL estimate to the frozen start model (only when beta > 0)'),
  'rl/entropy': m('nats/token', 'entropy', 3, 'mean token entropy of the policy on its own samples'),
  'rl/clip_ratio/low_mean': m('', 'clip_lo', 3, 'share of tokens clipped below 1 - eps_low'),
  'rl/clip_ratio/high_mean': m('', 'clip_hi', 3, 'share of tokens clipped above 1 + eps_high'),
  'rl/grad_norm': m('', 'grad', 3, 'global gradient norm before clipping'),
  'rl/completions/mean_length': m('tokens', 'len', 1, 'mean response length'),
  'rl/completions/max_length': m('tokens', 'len_max', 0, 'longest response'),
  'rl/completions/clipped_ratio': m('', 'trunc', 2, 'share of responses cut at the length limit'),
  'rl/tokens_per_s': m('tokens/s', 'tok/s', 0, 'sampled tokens per second'),
  'rl/timing/sample_s': m('s', 'sample_s', 2, 'time spent sampling the responses'),
  'rl/timing/reward_s': m('s', 'reward_s', 2, 'time spent scoring them (checker or judge)'),
  'rl/timing/update_s': m('s', 'update_s', 2, 'time spent in log-prob passes and the policy update'),
  // Evaluation on held-out problems.
  'eval/pass@1': m('', 'pass@1', 3, 'chance one sample is right (unbiased estimate from n samples)'),
  'eval/pass@k': m('', 'pass@k', 3, 'chance at least one of k samples is right (unbiased estimator)'),
  'eval/steps_in_order': m(
    '',
    'steps',
    3,
    "the verifier: mean share of a problem's steps right in order (no arm trains on it)",
  ),
  'eval/all_steps': m('', 'all_steps', 3, 'the verifier: share of samples with every step right in order'),
  'eval/judge_score': m('', 'judge', 3, 'mean judge score (k-1)/4 of the samples; a truncated one scores 0'),
  'eval/mean_length': m('tokens', 'len', 1, 'mean response length'),
  'eval/primitive_accuracy': m('', 'prim_acc', 3, 'greedy accuracy on held-out primitive problems'),
  // Judge calls of an RL step (LLM judge: real calls; built-in judge: counted the same way).
  'judge/calls': m('calls', 'calls', 0, 'grading calls made'),
  'judge/cache_hits': m('calls', 'hits', 0, 'grading calls answered from the cache'),
  'judge/failures': m('calls', 'failures', 0, 'grading calls that failed or did not parse'),
  'judge/failure_share': m('', 'fail_shr', 3, "share of the step's grading calls that failed or did not parse"),
  'judge/latency_s': m('s', 'latency', 2, 'mean latency of a grading call'),
  'judge/cost_usd': m('USD', 'cost', 4, 'estimated cost of the calls at the configured prices'),
} as const satisfies Record<string, MetricInfo>;

export type MetricName = keyof typeof METRICS;

/** Named metric values of one step. */
export type MetricValues = Partial<Record<MetricName, number>>;

/** Names older versions of the page stored, and what they are called now. */
const LEGACY: Record<string, MetricName> = {
  'train/loss': 'pretrain/loss',
  'train/grad_norm': 'pretrain/grad_norm',
  'train/lr': 'pretrain/lr',
  'perf/tokens_per_s': 'pretrain/tokens_per_s',
  'perf/ms_per_step': 'pretrain/ms_per_step',
};

/** The current name of a stored metric (older runs used other names). */
export function currentMetricName(name: string): string {
  return LEGACY[name] ?? name;
}

export function isMetricName(name: string): name is MetricName {
  return Object.prototype.hasOwnProperty.call(METRICS, name);
}

/** A metric's value as a CLI prints it: fixed decimals, '-' when absent or not finite. */
export function formatMetric(name: MetricName, v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(METRICS[name].digits);
}
