// Task sets as JSONL rows in the shapes that GRPO trainers of real models load, so the toy's problems
// (or a user's dataset) can be taken to a real model: TRL's GRPOTrainer (a "prompt" column; other
// columns reach the reward functions as keyword arguments) and verl's RL datasets (data_source,
// prompt as a chat list, ability, reward_model.ground_truth, extra_info). The hidden reference
// solution travels beside the prompt, never inside it: it is for the judge, not the policy.

import type { DatasetProblem } from './dataset-parse';
import type { Problem } from './problem';

/** One problem in the form both exports start from. */
export interface ExportTask {
  id: string;
  source: string; // a family name (chain, carry, linear) or a dataset's name
  prompt: string; // exactly what the policy is shown
  reference: string; // the hidden human-style reference solution
  answer: string | null; // the final answer, for rule-based (verifiable) rewards
}

export interface TrlRow {
  prompt: string;
  reference: string;
  answer: string | null;
  id: string;
  source: string;
}

export interface VerlRow {
  data_source: string;
  prompt: { role: 'user'; content: string }[];
  ability: string;
  reward_model: { style: 'rule'; ground_truth: string | null };
  extra_info: { split: string; index: number; id: string; reference: string };
}

export function fromProblem(p: Problem): ExportTask {
  return { id: p.id, source: p.family, prompt: p.prompt, reference: p.reference, answer: p.answer };
}

/** A dataset problem; the prompt is its question as is (a real model needs no toy framing). */
export function fromDataset(p: DatasetProblem, source: string): ExportTask {
  return { id: p.id, source, prompt: p.question, reference: p.reference, answer: p.answer ?? null };
}

export function trlRow(t: ExportTask): TrlRow {
  return { prompt: t.prompt, reference: t.reference, answer: t.answer, id: t.id, source: t.source };
}

export function verlRow(t: ExportTask, split: string, index: number): VerlRow {
  return {
    data_source: `exprl/${t.source}`,
    prompt: [{ role: 'user', content: t.prompt }],
    ability: 'math',
    reward_model: { style: 'rule', ground_truth: t.answer },
    extra_info: { split, index, id: t.id, reference: t.reference },
  };
}
