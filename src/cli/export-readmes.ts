// The README written into each export folder (npm run export -- --verl / --trl): which of the other
// code's scripts to run, what each setting means, and where that code and ours differ (segment
// convention, truncation rule, score mapping, parse rule, rubric mode).

import { PROMPT_VERSION } from '../judge/prompts';
import type { RunSettings } from './export-settings';
import type { TrlJudgeOptions } from './export-trl';

const counts = (c: [string, number][]) => c.map(([n, k]) => `${n}: ${k}`).join(', ');

export function verlReadme(s: RunSettings, c: [string, number][]): string {
  return `# ExpRL on the authors' verl code

Written by \`npm run export -- --verl\` (ExpRL playground, preset \`${s.preset}\`). Problems: ${counts(c)}.
The authors' Stage I code is the public repository violetxi/ExpRL, folder \`stage1_verl\` (a verl fork on Ray).

## Files

| file | what it is |
| --- | --- |
| \`train.parquet\`, \`test.parquet\` | the rows their trainer reads: \`data_source\`, \`prompt\` (a system instruction, then the question and a line break), \`ability\`, \`reward_model {style, ground_truth}\`, \`extra_info {index, split, solution, question, answer, id, source}\`. Their judge reads the question from \`extra_info.question\` and the hidden reference from \`extra_info.solution\`; the policy sees only \`prompt\`. \`data_source\` is \`prime_test\`, the name their correctness scorer (math_verify on a \\\\boxed{} answer) takes for generated data; our family or dataset name is in \`extra_info.source\`. |
| \`exprl_outcome_judge.py\`, \`exprl_process_judge.py\` | our judge prompts (version \`${PROMPT_VERSION}\`) as their prompt-template files: \`SYSTEM_PROMPT\` and \`USER_PROMPT\` with \`{problem}\`, \`{reasoning_trace}\` / \`{generated_reasoning}\` and \`{reference_solution}\`, generated from the playground's \`src/judge/prompts.ts\` |
| \`overrides/ARM.txt\` | hydra overrides that turn their launch script into our arm; their scripts end in \`$@\` and a later value wins |
| \`settings.json\` | every arm's settings under our names and under theirs |

## Run (from their \`stage1_verl\` folder, after its own setup)

| our arm | their script (\`variational_inference/math/exp_rl/train_stage1/qwen4b/\`) | command |
| --- | --- | --- |
| ExpRL-Process (DeltaNorm, main) | \`dense_pr_delta.sh\` | \`bash .../dense_pr_delta.sh $(cat DIR/overrides/process.txt)\` |
| ExpRL-Outcome | \`dense_outcome.sh\` | \`bash .../dense_outcome.sh $(cat DIR/overrides/outcome.txt)\` |
| Process, EndNorm | \`dense_pr_end.sh\` | \`bash .../dense_pr_end.sh $(cat DIR/overrides/end-norm.txt)\` |
| Process, GroupNorm | \`dense_pr_gppo.sh\` | \`bash .../dense_pr_gppo.sh $(cat DIR/overrides/group-norm.txt)\` |
| sparse GRPO | \`grpo.sh\` | \`bash .../grpo.sh $(cat DIR/overrides/grpo.txt)\` |

Their scripts ask for one node of 8 GPUs (\`trainer.n_gpus_per_node=8\`, two of them for the judge: \`genrm.n_gpus=2\`);
the judge is a local model served by their GenRM worker (\`genrm.model.path\`), decoded greedily.

## What each override means (values of the process arm of preset \`${s.preset}\`)

| their name | ours | value |
| --- | --- | --- |
| \`algorithm.adv_estimator\` | advantage mode: \`grpo\` = Outcome (group-normalised), \`delta_process\` = DeltaNorm, \`group_process_end\` = EndNorm, \`group_process\` = GroupNorm | \`delta_process\` |
| \`algorithm.norm_adv_by_std_in_grpo\` | std division of GRPO | ${s.stdNormalize} |
| \`actor_rollout_ref.rollout.n\` | group size G | ${s.groupSize} |
| \`data.train_batch_size\` | prompts per step | ${s.promptsPerStep} |
| \`actor_rollout_ref.rollout.temperature\`, \`.val_kwargs.temperature\` | rollout and evaluation temperature | ${s.temperature}, ${s.evalTemperature} |
| \`actor_rollout_ref.actor.clip_ratio_low\`, \`clip_ratio_high\` | asymmetric clip eps_low, eps_high (0.28 for Outcome) | ${s.epsLow}, ${s.epsHigh} |
| \`actor_rollout_ref.actor.use_kl_loss\`, \`kl_loss_coef\`, \`kl_loss_type=low_var_kl\` | KL loss to the start model, beta, the k3 estimator (verl clamps it) | ${s.beta > 0}, ${s.beta} |
| \`actor_rollout_ref.actor.entropy_coeff\` | entropy bonus | ${s.entCoef} |
| \`actor_rollout_ref.actor.loss_agg_mode\` | loss aggregation | ${s.aggregation} |
| \`actor_rollout_ref.actor.ppo_epochs\` | PPO epochs per batch | ${s.epochs} |
| \`custom_reward_function.norm_strategy=smooth\` | score mapping s = (k-1)/4 | smooth |
| \`custom_reward_function.clip_length\` | a response that fills the length limit gets reward 0 | ${s.truncationGuard} |
| \`custom_reward_function.prompt_template_path\` | our judge prompt | this folder's \`.py\` file |
| \`custom_reward_function.is_process\`, \`clip_by=full_sequence\` | process arms: per-segment judge calls; a cut response gets 0 on every segment | process arms only |

Not carried over: the learning rate (ours, ${s.lr}, is for a 4M-parameter toy; theirs, 1e-6, stays), the
prompt and response lengths, mini-batch sizes and parallelism. Delete a line of an overrides file to keep
their value (for example their group size 16, or 10 for Outcome, and their temperature 0.8).

## Where their code and ours differ

- **Segments.** Theirs (hard-coded \`###\`): a segment runs from after one \`###\` up to and including the next,
  so a response that starts with \`###\` has a tiny first segment \`###\`, and each header ends the segment
  before it. Ours: \`###\` opens a segment, an empty preamble is merged into the first step, and the answer
  line (\`A: ...\`) is a segment of its own. DeltaNorm's A_1 = s_1 - s_K therefore compares different
  texts: theirs scores the preamble (or the lone \`###\`) as step 1, ours the first real step.
- **Truncation.** Both give a response that hits the length limit reward 0 and keep it in its group
  (under Outcome it takes the group's negative advantage; under the process modes its segments all score 0).
  Ours also offers the older rule (reward 0, advantage 0) as \`truncationRule: zero-advantage\`; theirs does not.
  Under the process modes the shipped presets deviate (\`processTruncation: penalize\`): only the unfinished
  last segment scores 0 and the mode's arithmetic runs as usual, because in the toy, whose length limit lies
  just past a whole solution, all-zero advantages let ExpRL-Process escape every penalty by running on;
  \`processTruncation: zero-advantage\` is theirs.
- **Score mapping.** Ours is only (k-1)/4 (their \`smooth\`). Theirs also offers \`extreme_only\` (1 -> 0,
  5 -> 1, else dropped), \`semi_smooth\` (1 -> 0, 4 -> 0.8, 5 -> 1, else dropped) and \`extreme_only_clipped\`
  (k <= 3 -> 0, else 1), and defaults to \`extreme_only\` when \`norm_strategy\` is not set.
- **Reading the score.** Ours reads only the judge's own last line, which must be \`Score: k\` with k an
  integer 1..5 (\`k/5\` accepted, nothing else). Theirs takes the first character after the first
  \`Score\` anywhere in the reply, so a reply that mentions a score earlier (or writes \`Score: 10\`) is read
  differently. Both drop an unreadable verdict from the loss rather than score it 0.
- **Rubric.** verl fills one template per call from fixed fields, so only our implicit rubric mode (the judge
  lists the checkpoints itself in each call) fits; our explicit mode (checkpoints built once per problem and
  cached) is in the TRL export and the playground.
- **Fenced text.** Our judge defuses a \`<student>\` (or \`<problem>\`, \`<reference>\`) tag inside the graded
  text so it cannot close its block early; \`str.format\` in their code puts the text in as it is.
- **Judge.** Theirs is a local model on their GPUs (\`genrm.model.path\`, greedy); ours any OpenAI-compatible
  endpoint at temperature 0. The prompts are the same text; the chat template of their judge model wraps them.
`;
}

export function trlReadme(s: RunSettings, j: TrlJudgeOptions, c: [string, number][]): string {
  return `# ExpRL-Outcome on TRL's GRPOTrainer

Written by \`npm run export -- --trl\` (ExpRL playground, preset \`${s.preset}\`). Problems: ${counts(c)}.

## Files

| file | what it is |
| --- | --- |
| \`train.trl.jsonl\` (and others) | rows \`{prompt, reference, answer, id, source}\`; GRPOTrainer shows \`prompt\` to the policy and passes the other columns to reward functions as keyword arguments |
| \`exprl_reward.py\` | \`exprl_outcome_reward(prompts, completions, **kwargs)\`, a reward function for \`reward_funcs\`; Python standard library only |
| \`exprl_prompts.json\` | our judge prompts (version \`${PROMPT_VERSION}\`) as templates, generated from the playground's \`src/judge/prompts.ts\` |
| \`exprl_settings.json\` | the judge (\`judge\`), the GRPOConfig fields (\`trl\`) and our arm's settings (\`ours\`) |
| \`train_grpo.py\` | a minimal training run with those settings |

## Run

\`\`\`
pip install trl datasets accelerate
export ${j.apiKeyEnv}=...        # only if the judge endpoint needs a key; it is read at run time, never written
accelerate launch train_grpo.py --model Qwen/Qwen3-4B-Instruct-2507
\`\`\`

Check the judge first, without TRL: \`echo '{"prompts": ["Q: 2+3\\n"], "completions": ["### 2+3=5\\nA: 5"], "kwargs": {"reference": ["Add them: 5."]}}' | python3 exprl_reward.py\` prints the rewards.

## What the reward does (the same as the playground's LLM judge with structured output off)

- Judge: \`${j.model}\` at \`${j.baseUrl}\`, temperature 0, max_tokens 1024, rubric mode \`${j.rubricMode}\` (explicit: one rubric
  call per problem, its checkpoints handed to every grading call; implicit: the judge lists them in each call).
- Prompts byte-identical to ours (the playground's tests compare the request bodies a server receives from both).
- Score: the judge's own last line must be \`Score: k\` (or \`k/5\`), k an integer 1..5; reward (k-1)/4.
  Anything else (no score, out of range, a reply cut at max_tokens, a failed request) gives \`None\`, never a number.
- Retries: 3, with backoff 0.5 s doubling to 8 s (up to 25% less, at random), on 408, 429, 5xx, timeouts and dropped
  connections; 429 and 503 wait as long as Retry-After says (at most 60 s). A wrong key, URL or model, or no server,
  raises \`JudgeSetupError\` at once: training stops with one line.
- Cache: \`judge.cache_dir\` (default \`~/.cache/exprl-playground/judge\`, the playground's), the same keys and records,
  so a grade paid for in the playground is reused and the other way round.
- Length guard: a completion of \`trl.max_completion_length\` tokens (from TRL's \`completion_ids\`) gets reward 0 without a call.

## Settings (\`exprl_settings.json\` \`trl\`, from our Outcome arm)

| GRPOConfig | ours | value |
| --- | --- | --- |
| \`num_generations\` | group size G | ${s.groupSize} |
| \`temperature\` | rollout temperature | ${s.temperature} |
| \`epsilon\`, \`epsilon_high\` | asymmetric clip eps_low, eps_high | ${s.epsLow}, ${s.epsHigh} |
| \`beta\` | KL loss to the start model, k3 estimator | ${s.beta} |
| \`loss_type\` | aggregation (\`dapo\` = token-mean, \`grpo\` = seq-mean-token-mean, \`dr_grpo\` = sum / constant) | ${s.aggregation} |
| \`scale_rewards\` | GRPO std division | ${s.stdNormalize} |
| \`num_iterations\` | PPO epochs per batch | ${s.epochs} |
| \`mask_truncated_completions\` | false: a cut completion stays in its group with reward 0 | false |
| \`learning_rate\` | 1e-6, the authors' (ours, ${s.lr}, is for a 4M-parameter toy) | 1e-6 |

## Where TRL and ours differ

- **Process rewards are not possible here.** ExpRL-Process gives each segment of a response its own
  advantage; GRPOTrainer takes one scalar reward per completion and puts one advantage on every token.
  TRL's maintainers declined process supervision in GRPO (huggingface/trl#3090). Use \`npm run export -- --verl\`
  and the authors' verl code, which computes per-token advantages from per-segment judge scores.
- **Unreadable verdicts.** Ours drops such a trajectory from the loss and from its group's statistics.
  TRL treats \`None\` as "not applicable": when every reward function returns \`None\` for a completion it
  warns and uses 0 for it. Watch the warning count; a judge that often fails to answer skews the rewards.
- **Normalisation.** TRL divides by (std + 1e-4), ours by (std + 1e-6).
- **Timeouts.** \`judge.timeout_s\` limits each socket operation here; ours limits a whole attempt, body included.
`;
}
