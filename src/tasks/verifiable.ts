// Small verifiable tasks with a programmatic 0/1 reward, for sparse GRPO from the terminal and for
// the learning test. Not the ExpRL task world (tasks/chain.ts and friends): these check the RL loop.
//   digits: "Q: 7\n" -> reward 1 if the response starts with a digit (any digit: the prompt is only
//           context). A random model does this ~10% of the time (10 of 99 tokens), so GRPO has
//           signal from step one.
//   add:    "### 23+45=" -> reward 1 if the response is "68" (then EOS or a new line): the format of
//           the built-in pre-training facts, so a pre-trained model starts with partial success.

import { mulberry32, randInt, type Rng } from '../util/rng';

export interface VerifiableProblem {
  prompt: string;
  check(response: string): 0 | 1;
}

export interface VerifiableTask {
  name: string;
  description: string;
  sample(rng: Rng): VerifiableProblem;
}

const digits: VerifiableTask = {
  name: 'digits',
  description: 'start the response with a digit (about 10% at random initialisation)',
  sample(rng) {
    const n = randInt(rng, 0, 9);
    return { prompt: `Q: ${n}\n`, check: (r) => (/^[0-9]/.test(r) ? 1 : 0) };
  },
};

const add: VerifiableTask = {
  name: 'add',
  description: 'complete "### a+b=" with the sum (the pre-training facts format)',
  sample(rng) {
    const a = randInt(rng, 0, 99),
      b = randInt(rng, 0, 99);
    return { prompt: `### ${a}+${b}=`, check: (r) => (r.split('\n')[0] === String(a + b) ? 1 : 0) };
  },
};

export const VERIFIABLE_TASKS: Record<string, VerifiableTask> = { digits, add };

/** A seeded stream of problems of one task. */
export function problemStream(task: VerifiableTask, seed: number): () => VerifiableProblem {
  const rng = mulberry32(seed);
  return () => task.sample(rng);
}
