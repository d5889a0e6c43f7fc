// When a page RL run's judge stops it. The run opens with the experiment's opening check
// (src/experiment/world-judge.ts) before its first step in this session, so a wrong key, URL or model,
// or a model that cannot write a rubric, stops the run before any step is kept. Later, a step whose
// grades say the judge is out (a fatal setup, every grade failing, or failures past the allowed share)
// rejects before it is trained on or recorded. Either way the run stops with a JudgeOutageError whose
// message is one line: the cause and a fix; this is what the page says then.

import type { OpeningFix } from '../experiment/world-judge';
import type { RunJob } from '../run/job';

/** What the page asks of the user when its judge fails the opening check (world-judge.ts). */
export const OPENING_FIX: OpeningFix = {
  rubric: 'choose the implicit rubric mode in the judge settings, or another model',
  grade: 'check the server and the model with Test connection in the judge settings',
};

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
