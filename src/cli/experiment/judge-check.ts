// The LLM judge's side of an experiment run: the number of requests it will send (finished cells and
// cached answers left out), the check a run begins with (the requests it begins with: a problem's
// rubric and one grade, so a wrong key, a wrong URL or a model that cannot follow the prompts stops
// it before any cell), and the line a run ends with when grades failed.

import { LlmJudge } from '../../judge/llm';
import type { Judge } from '../../judge/types';
import type { CellWorld } from '../../experiment/cell-jobs';
import { estimateJudgeCalls } from '../../experiment/estimate';
import type { ArmId } from '../../experiment/arms';
import type { ResultsFile, Stage } from '../../experiment/results';
import { judgeProblem } from '../../run/scorers';
import { addCounts, formatCauses, sumCounts, type FailureCounts } from '../../run/grade-failures';

/** What a run would send now: the estimate, less the rubrics and the opening check already cached. */
export async function requestsToSend(
  w: CellWorld,
  done: (arm: ArmId, stage: Stage, seed: number) => boolean,
): Promise<number> {
  const est = estimateJudgeCalls(w, done);
  const judge = w.judge;
  if (!(judge instanceof LlmJudge) || est.calls === 0) return judge instanceof LlmJudge ? est.calls : 0;
  let calls = est.calls;
  for (const p of est.rubrics) if (!(await judge.rubricNeeded(judgeProblem(p)))) calls--;
  const first = openingProblem(w);
  const mode = w.options.rubric ?? 'explicit';
  const opening = await judge.requestsFor(judgeProblem(first), first.reference, mode);
  const rubricCounted = est.rubrics.includes(first) && (await judge.rubricNeeded(judgeProblem(first)));
  // The opening grade, and its rubric when no cell of the run needs that one.
  return calls + (opening > 0 ? 1 : 0) + (opening === 2 && !rubricCounted ? 1 : 0);
}

const openingProblem = (w: CellWorld) => w.eval[0];

/**
 * The opening check: the first evaluation problem's rubric (explicit mode) and a grade of its own
 * reference, through the run's judge and cache. Throws one line when the judge cannot work.
 */
export async function openingCheck(w: CellWorld, judge: Judge): Promise<void> {
  const p = openingProblem(w);
  const g = await judge.outcome(judgeProblem(p), p.reference, { rubricMode: w.options.rubric ?? 'explicit' });
  const fatal = judge instanceof LlmJudge ? judge.fatal : undefined;
  if (fatal) throw new Error(fatal);
  if (g.status === 'ok') return;
  if (g.cause === 'rubric') {
    throw new Error(
      `the judge's reply to the rubric request was not a rubric (${(g.error ?? '').replace(/^rubric: /, '')}): the model does not follow the rubric prompt; try --rubric implicit, or another model`,
    );
  }
  throw new Error(
    `the judge failed the opening test grade of problem ${p.id} (${g.cause}: ${g.error}): check the server and the model, then run the same command again`,
  );
}

/** All grade failures recorded in the run's cells, by cause. */
export function runFailures(r: ResultsFile): FailureCounts {
  return r.cells.reduce((acc, c) => addCounts(acc, c.judgeFailures ?? {}), {} as FailureCounts);
}

/** The closing line of a run whose judge failed some grades (undefined when none failed). */
export function failureSummary(r: ResultsFile): string | undefined {
  const f = runFailures(r);
  const n = sumCounts(f);
  if (n === 0) return undefined;
  return `judge: ${n} grade${n === 1 ? '' : 's'} failed (${formatCauses(f)}); their responses were left out of the loss and the judge scores (per cell in results.md)`;
}
