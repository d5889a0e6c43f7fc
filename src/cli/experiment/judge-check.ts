// The LLM judge's side of an experiment run: the number of requests it will send (finished cells and
// cached answers left out, the opening check's requests counted), what the opening check
// (src/experiment/world-judge.ts) tells the user to do when the judge fails it, and the line a run
// ends with when grades failed.

import { LlmJudge } from '../../judge/llm';
import type { CellWorld } from '../../experiment/cell-jobs';
import { openingProblem, type OpeningFix } from '../../experiment/world-judge';
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

/** What the run asks of the user when its judge fails the opening check (world-judge.ts). */
export const OPENING_FIX: OpeningFix = {
  rubric: 'try --rubric implicit, or another model',
  grade: 'check the server and the model, then run the same command again',
};

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
