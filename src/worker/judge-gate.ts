// When a page RL run's judge stops it. The run opens with the requests it begins with (the first
// held-out problem's rubric in explicit mode, and one grade of that problem's reference), as the
// experiment CLI does, so a wrong key, URL or model, or a model that cannot write a rubric, stops the
// run before its first step. Later, a step whose grades say the judge is out (a fatal setup, every
// grade failing, or failures past the allowed share) rejects before it is trained on or recorded.
// Either way the run stops with a JudgeOutageError whose message is one line: the cause and a fix.

import { LlmJudge } from '../judge/llm';
import type { Judge, RubricMode } from '../judge/types';
import { DEFAULT_MAX_FAILURE_SHARE, JudgeOutageError, type GradePolicy } from '../run/grade-failures';
import type { RunJob } from '../run/job';
import { judgeProblem, type TaskProblem } from '../run/scorers';

/** The page's rule for a step's grades: the CLI's default share, and the judge's fatal line once it met one. */
export function gradePolicy(judge: Judge): GradePolicy {
  return {
    maxFailureShare: DEFAULT_MAX_FAILURE_SHARE,
    fatal: () => (judge instanceof LlmJudge ? judge.fatal : undefined),
  };
}

/** The opening grade through the run's judge and cache; rejects with the line when the judge cannot work. */
export async function openingCheck(judge: Judge, problem: TaskProblem, mode: RubricMode): Promise<void> {
  if (!(judge instanceof LlmJudge)) return; // the built-in judge cannot fail
  const g = await judge.outcome(judgeProblem(problem), problem.reference, { rubricMode: mode });
  if (judge.fatal !== undefined) throw new JudgeOutageError(judge.fatal);
  if (g.status === 'ok') return;
  if (g.cause === 'rubric') {
    const why = (g.error ?? '').replace(/^rubric: /, '');
    throw new JudgeOutageError(
      `the judge's reply to the rubric request was not a rubric (${why}): the model does not follow the rubric prompt; choose the implicit rubric mode in the judge settings, or another model`,
    );
  }
  throw new JudgeOutageError(
    `the judge failed the opening test grade (${g.cause ?? g.status}: ${g.error ?? 'no detail'}): check the server and the model with Test connection in the judge settings`,
  );
}

/** The job, with `check` passed before its first step in this session (a start or a resume). */
export function checkedFirst(job: RunJob, check: () => Promise<void>): RunJob {
  let checked = false;
  return {
    kind: job.kind,
    get total() {
      return job.total;
    },
    get stepCount() {
      return job.stepCount;
    },
    async step(signal) {
      if (!checked) await check();
      checked = true;
      return job.step(signal);
    },
    saveCheckpoint: () => job.saveCheckpoint(),
    ...(job.preview ? { preview: () => job.preview!() } : {}),
    destroy: () => job.destroy(),
  };
}

/** What the page says when the judge stopped a run: the line, what was not kept, and how to go on. */
export function judgeStopText(line: string, what: string): string {
  return (
    `The judge cannot grade: ${line.replace(/\.$/, '')}. ${what} was not recorded. Fix the judge settings ` +
    '(Test connection tries them), then resume, or start a new run for another URL, model or rubric mode.'
  );
}
