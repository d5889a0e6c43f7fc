// The judge of an RL run's world, set up one way for the page's runs and the experiment CLI's cells:
// joined to the world with the grade policy that stops a run when the judge is out (a fatal setup, or a
// step's failed grades past the allowed share), and the opening check a run begins with: the requests
// it begins with (the first held-out problem's rubric in explicit mode, and one grade of that problem's
// reference), so a wrong key, URL or model, or a model that cannot write a rubric, stops it before its
// first step. What the user should do then is the caller's to say (a setting on the page, a flag here).

import { LlmJudge } from '../judge/llm';
import type { Judge } from '../judge/types';
import { JudgeOutageError } from '../run/grade-failures';
import { judgeProblem, type TaskProblem } from '../run/scorers';
import type { CellWorld } from './cell-jobs';

/** The world with its judge (undefined: the built-in one of each arm) and the share of failed grades a step may have. */
export function withJudge(world: CellWorld, judge: Judge | undefined, maxFailureShare: number): CellWorld {
  return {
    ...world,
    judge,
    grades: { maxFailureShare, fatal: () => (judge instanceof LlmJudge ? judge.fatal : undefined) },
  };
}

/** The problem whose rubric and reference the opening check grades. */
export const openingProblem = (w: CellWorld): TaskProblem => w.eval[0];

/** The fix named when the judge fails the opening check: for a reply that is not a rubric, and for any other failure. */
export interface OpeningFix {
  rubric: string;
  grade: string;
}

/** The opening grade through the world's judge and cache; rejects with one line (the cause and the fix)
 *  when the judge cannot work. Only an LLM judge is checked: the built-in one cannot fail. */
export async function openingCheck(w: CellWorld, fix: OpeningFix): Promise<void> {
  const judge = w.judge;
  if (!(judge instanceof LlmJudge)) return;
  const p = openingProblem(w);
  const g = await judge.outcome(judgeProblem(p), p.reference, { rubricMode: w.options.rubric ?? 'explicit' });
  if (judge.fatal !== undefined) throw new JudgeOutageError(judge.fatal);
  if (g.status === 'ok') return;
  if (g.cause === 'rubric') {
    const why = (g.error ?? '').replace(/^rubric: /, '');
    throw new JudgeOutageError(
      `the judge's reply to the rubric request was not a rubric (${why}): the model does not follow the rubric prompt; ${fix.rubric}`,
    );
  }
  throw new JudgeOutageError(
    `the judge failed the opening test grade of problem ${p.id} (${g.cause ?? g.status}: ${g.error ?? 'no detail'}): ${fix.grade}`,
  );
}
