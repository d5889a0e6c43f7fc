// The problem sets and limits an experiment's cells share (CellWorld), built from the options and the
// start model's context length, with the checks method.md asks of a fair toy: the response limit holds
// the longest correct worked solution, and the context holds every prompt with that limit, the SFT
// example (problem -> reference) and the self-distillation teacher's input (problem + reference +
// response). A world that breaks one is refused with the numbers, so no baseline is handicapped
// by construction. Its judge and grade policy are joined to it by world-judge.ts.

import { taskConfig } from '../tasks/task-config';
import { hardProblems } from '../tasks/splits';
import { TEACHER_PREFIX } from '../rl/opsd';
import type { CellWorld } from './cell-jobs';
import type { TaskProblem } from '../run/scorers';
import type { ExperimentOptions } from './options';

export const RESPONSE_MARGIN = 8; // tokens beyond the longest correct solution (EOS, a stray character)

export interface WorldFacts {
  train: number;
  eval: number;
  longestSolution: number; // characters of the longest correct worked solution
  maxNewTokens: number;
  longestPrompt: number; // tokens with BOS
  longestSft: number; // BOS + prompt + reference + EOS
  longestTeacher: number; // BOS + prompt + "Reference: " + reference + "\n" + longest solution
  contextLength: number;
}

/** Response limit of a dataset world (its problems have no worked solution to measure) unless given. */
export const DATASET_RESPONSE_TOKENS = 64;

/** The world of the options' task config, or of the given problems (a user's dataset). */
export function buildWorld(
  options: ExperimentOptions,
  contextLength: number,
  problems?: { train: TaskProblem[]; eval: TaskProblem[] },
): { world: CellWorld; facts: WorldFacts } {
  const cfg = taskConfig(options.tasks);
  const train = problems?.train ?? hardProblems(cfg, 'train', cfg.nTrain);
  const evalSet = problems?.eval ?? hardProblems(cfg, 'eval', Math.max(options.eval.problems, 1));
  const all = [...train, ...evalSet];
  const max = (f: (p: (typeof all)[number]) => number) => all.reduce((m, p) => Math.max(m, f(p)), 0);
  const longestSolution = max((p) => p.worked.length);
  const maxNewTokens =
    options.maxNewTokens > 0
      ? options.maxNewTokens
      : problems
        ? DATASET_RESPONSE_TOKENS
        : longestSolution + RESPONSE_MARGIN;
  const facts: WorldFacts = {
    train: train.length,
    eval: evalSet.length,
    longestSolution,
    maxNewTokens,
    contextLength,
    longestPrompt: max((p) => p.prompt.length + 1),
    longestSft: max((p) => p.prompt.length + p.reference.length + 2),
    longestTeacher: max(
      (p) => 1 + p.prompt.length + TEACHER_PREFIX.length + p.reference.length + 1 + p.worked.length + 1,
    ),
  };
  const refuse = (what: string, need: number) => {
    throw new Error(
      `the toy world does not fit the model: ${what} needs ${need} tokens, the context holds ${contextLength}; ` +
        'shorten the problems (tasks.hardSteps, tasks.maxValue), the references, or use a model with a longer context',
    );
  };
  if (maxNewTokens < longestSolution + 1)
    refuse(
      `the response limit ${maxNewTokens} is below the longest correct solution (${longestSolution} + EOS): the arms`,
      longestSolution + 1,
    );
  if (facts.longestPrompt + maxNewTokens > contextLength)
    refuse('the longest prompt with the response limit', facts.longestPrompt + maxNewTokens);
  if (options.arms.includes('sft') && facts.longestSft > contextLength)
    refuse('the SFT example (problem and reference)', facts.longestSft);
  if (options.arms.includes('opsd') && facts.longestTeacher > contextLength)
    refuse("the self-distillation teacher's input (problem, reference, solution)", facts.longestTeacher);
  return { world: { options, train, eval: evalSet, maxNewTokens }, facts };
}
