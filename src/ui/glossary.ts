// One line per term and unit the page uses, shown where the term appears (Term.svelte): a reader
// never meets "advantage", "pass@k" or "nats/token" without its meaning one focus or hover away.

export const GLOSSARY = {
  'nats/token': 'Cross-entropy in natural-log units per token: how surprised the model is by the next character, on average. 0 would be perfect; the unigram line is a model that ignores context.',
  ema: 'Exponential moving average: each point keeps 90% of the previous smoothed value and adds 10% of the new one, so the trend shows through step-to-step noise.',
  greedy: 'Greedy decoding: always the most likely next token (temperature 0), the model\'s single best guess.',
  temperature: 'Sampling temperature: 1 samples from the model\'s own probabilities, lower values sharpen them towards the most likely token, 0 is greedy.',
  advantage: 'How much better than expected a token\'s response (or ### step) did: positive advantages make those tokens more likely after the update, negative ones less. 0 means no learning signal.',
  'pass@k': 'The chance that at least one of k samples is right, estimated without bias from n samples per problem (1 - C(n-c,k)/C(n,k) with c right). pass@1 is the chance one sample is right.',
  'zero-variance': 'A group whose samples all got the same reward: GRPO\'s group-normalised advantage is then 0 for all of them and the group teaches nothing. With 0/1 correctness on hard problems this is the dead zone.',
  group: 'The G responses sampled for one problem; GRPO compares each response with the others of its group.',
  dense: 'Dense reward: the judge\'s score (k-1)/4 of the response against the hidden reference, partial credit for partial progress.',
  sparse: 'Sparse reward: 1 when the final answer is right, else 0.',
  'dead zone': 'Problems so hard that every sample of a group fails: sparse reward gives zero variance, so sparse RL learns nothing from them.',
  entropy: 'Mean token entropy of the policy on its own samples (nats/token): how spread its next-token choices are. Collapse to 0 means it stopped exploring.',
  kl: 'k3 estimate of the KL divergence from the frozen start model (nats/token): how far training has moved the policy.',
  clip: 'Share of tokens whose probability ratio hit the PPO clip (below 1-0.2 or above 1+eps_high): updates the loss refused to push further.',
  unlocked: 'Training problems with at least one right sample so far: problems sparse RL can now learn from.',
  judge: 'The grader: it sees the problem, the policy\'s response (or one ### step) and the hidden reference, and answers with a score k from 1 to 5.',
  stage: 'Stage I primes the model with RL on judge rewards (mid-training); Stage II is ordinary sparse-reward RL from the primed model.',
  unigram: 'The entropy of the corpus\'s character frequencies: the loss of a model that ignores all context. Learning shows as the loss falling below it.',
} as const;

export type TermKey = keyof typeof GLOSSARY;
