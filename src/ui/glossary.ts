// One line per term and unit the page uses, shown where the term appears (Term.svelte): a reader
// never meets "advantage", "pass@k", "DeltaNorm" or "nats/token" without its meaning one focus or
// hover away. Each arm of the experiment table has its entry (armTerm).

export const GLOSSARY = {
  'nats/token':
    'Cross-entropy in natural-log units per token: how surprised the model is by the next character, on average. 0 would be perfect; the unigram line is a model that ignores context.',
  ema: 'Exponential moving average: each point keeps 90% of the previous smoothed value and adds 10% of the new one, so the trend shows through step-to-step noise.',
  greedy: "Greedy decoding: always the most likely next token (temperature 0), the model's single best guess.",
  temperature:
    "Sampling temperature: 1 samples from the model's own probabilities, lower values sharpen them towards the most likely token, 0 is greedy.",
  advantage:
    "How much better than expected a token's response (or ### step) did: positive advantages make those tokens more likely after the update, negative ones less. 0 means no learning signal.",
  'pass@k':
    'The chance that at least one of k samples is right, estimated without bias from n samples per problem (1 - C(n-c,k)/C(n,k) with c right). pass@1 is the chance one sample is right.',
  'zero-variance':
    "A group whose samples all got the same reward: GRPO's group-normalised advantage is then 0 for all of them and the group teaches nothing. With 0/1 correctness on hard problems this is the dead zone.",
  group: 'The G responses sampled for one problem; GRPO compares each response with the others of its group.',
  dense:
    "Dense reward: the judge's score (k-1)/4 of the response against the hidden reference, partial credit for partial progress.",
  sparse: 'Sparse reward: 1 when the final answer is right, else 0.',
  'dead zone':
    'Problems so hard that every sample of a group fails: sparse reward gives zero variance, so sparse RL learns nothing from them.',
  entropy:
    'Mean token entropy of the policy on its own samples (nats/token): how spread its next-token choices are. Collapse to 0 means it stopped exploring.',
  kl: "KL divergence from the frozen start model (nats/token), per token by the k3 estimator r - 1 - log r with r the start model's probability over the policy's: how far training has moved the policy.",
  clip: 'Share of tokens whose probability ratio hit the PPO clip (below 1-0.2 or above 1+eps_high): updates the loss refused to push further.',
  unlocked: 'Training problems with at least one right sample so far: problems sparse RL can now learn from.',
  judge:
    "The grader: it sees the problem, the policy's response (or one ### step) and the hidden reference, and answers with a score k from 1 to 5.",
  stage:
    'Stage I primes the model with RL on judge rewards (mid-training); Stage II is ordinary sparse-reward RL from the primed model.',
  unigram:
    "The entropy of the corpus's character frequencies: the loss of a model that ignores all context. Learning shows as the loss falling below it.",
  policy:
    'The model being trained by RL: it samples the responses, and the update makes its better-rewarded tokens more likely.',
  reference:
    'A human-written solution of the problem. ExpRL hides it from the policy and shows it only to the judge: a scaffold for grading, not a text to imitate.',
  'held-out':
    "Held-out problems: never trained on. The evaluation samples n answers per problem on them and reports pass@k and the judge's score.",
  grpo: "GRPO (group relative policy optimisation): RL without a value model. Each problem is sampled G times; a response's advantage is its reward minus the group's mean, divided by the group's standard deviation, on every token of the response.",
  sft: 'SFT (supervised fine-tuning): next-token training on each problem followed by its human reference, i.e. imitating the reference. A baseline ExpRL is compared with.',
  base: 'Base: the start model with no Stage I at all; sparse RL in Stage II starts from it directly.',
  'self-distillation':
    "On-policy self-distillation: the frozen start model, with the reference in its context, is the teacher; each token of the student's own sample is pushed by the teacher's log-probability minus the student's. A baseline that uses the reference directly.",
  outcome:
    'ExpRL-Outcome: one judge call grades the whole response against the hidden reference; its score (k-1)/4 becomes a GRPO advantage, the same on every token.',
  process:
    "ExpRL-Process: the response is cut into its ### steps, the judge scores each step alone against the hidden reference, and the step scores become each step's advantage by DeltaNorm.",
  verifier:
    "The verifier: the toy world knows every step of its own problems, so each sampled step is checked (its operands and result, at its place). The share of a problem's steps right in order; no arm trains on it.",
  'reward hacking':
    "Reward hacking: the policy raises the reward its judge gives without doing more of the work right. It shows as a reward that climbs while the verifier's steps right stay flat or fall.",
  deltanorm:
    "DeltaNorm: a step's advantage is its score minus the previous step's, A_k = s_k - s_{k-1}; the first step gets A_1 = s_1 - s_K (K steps; A_1 = s_1 when K = 1). No group normalisation.",
  ablation:
    'An ablation changes one part of ExpRL-Process (EndNorm: A_k = s_k - s_K; GroupNorm: score minus the group mean; no or a wrong reference; a noisy judge) to see whether that part matters.',
  rubric:
    "The checkpoints the judge extracts from the reference (the steps it must see, with their operands and results); a step that is the reference's step at its place establishes one and scores 5, a number alone does not. Built once per problem (explicit) or inside each grading call (implicit).",
  aggregation:
    'How per-token losses become one number: token-mean averages over every token of the batch; sum aggregation (Dr. GRPO) sums them and divides by a constant, so long responses are not diluted.',
} as const;

export type TermKey = keyof typeof GLOSSARY;

/** The glossary entry of each arm of the experiment table (src/experiment/arms.ts), by arm id. */
const ARM_TERMS: Record<string, TermKey> = {
  base: 'base',
  sft: 'sft',
  grpo: 'grpo',
  opsd: 'self-distillation',
  outcome: 'outcome',
  process: 'process',
  'end-norm': 'ablation',
  'group-norm': 'ablation',
  'no-reference': 'ablation',
  'wrong-reference': 'ablation',
  'noisy-judge': 'ablation',
};

/** The term that explains an arm, if the glossary has one. */
export const armTerm = (arm: string): TermKey | undefined => ARM_TERMS[arm];
