// The options of one experiment: which arms, seeds, start checkpoint, task world, Stage I and Stage II
// budgets, evaluation and judge. Plain JSON (no key: an LLM judge's key comes from the environment at
// run time), so it is written into results.json as it ran. Presets (presets.ts) fill every field.

import type { ArmId } from './arms';
import type { TaskConfig } from '../tasks/task-config';
import type { RlConfig } from '../rl/rl-config';
import type { RubricMode } from '../judge/types';

export type StartSpec =
  | { kind: 'checkpoint'; path: string } // a pre-trained checkpoint file (the shipped one by default)
  | { kind: 'pretrain'; preset: string; steps: number; batchSize: number; lr: number; docs: number }; // pre-train first (a cell of its own)

export type JudgeSpec =
  | { kind: 'builtin' }
  | {
      kind: 'llm';
      baseUrl: string;
      model: string;
      apiKeyEnv: string;
      concurrency: number;
      timeoutS: number;
      pricePer1kInput: number;
      pricePer1kOutput: number;
      cacheDir?: string;
    };

export interface StageBudget {
  steps: number; // policy updates (RL steps, or SFT steps), the same for every arm
  promptsPerStep: number; // P, the same prompts for every arm (same stream, same seed)
  groupSize: number; // G samples per prompt (SFT: unused; its batch is the P references)
  lr: number;
}

export interface EvalOptions {
  problems: number; // held-out hard problems evaluated (the first of the eval split)
  n: number; // samples per problem
  k: number; // pass@k
  temperature: number; // 0.8 (method.md)
  problemsPerStep: number; // problems sampled together
  judgeScore: boolean; // also the mean judge score of the samples (one judge call each)
}

export interface ExperimentOptions {
  arms: ArmId[];
  seeds: number[];
  start: StartSpec;
  tasks: Partial<TaskConfig>; // the world (defaults: src/tasks/task-config.ts)
  dataset?: string; // a JSONL dataset (npm run dataset) whose problems replace the generated hard ones
  stageI: StageBudget;
  stageII: StageBudget; // steps 0: no Stage II
  sftLr: number; // the SFT arm's learning rate (imitation tolerates a larger step than RL)
  rl: Partial<RlConfig>; // shared Stage I RL settings (arms override their own rows)
  maxNewTokens: number; // 0: the longest correct worked solution of the problems + 8
  eval: EvalOptions;
  judge: JudgeSpec;
  rubric?: RubricMode; // how judges get a problem's checkpoints (default explicit: built once per problem)
  logDense: boolean; // grade every response of every arm with the judge for the dense-reward curve
}

/** Whether `next` continues an experiment run with `old`: the same options, with the same arms and seeds
 *  or more (each cell depends on its arm and seed alone, so adding some later gives what running them
 *  together would). */
export function continuesWith(old: ExperimentOptions, next: ExperimentOptions): boolean {
  const rest = (o: ExperimentOptions) => JSON.stringify({ ...o, arms: undefined, seeds: undefined });
  return (
    rest(old) === rest(next) &&
    old.arms.every((a) => next.arms.includes(a)) &&
    old.seeds.every((s) => next.seeds.includes(s))
  );
}
