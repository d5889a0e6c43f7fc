// Re-scoring a step: its samples graded again by another judge (no reference, a wrong one, a noisy
// one, an LLM endpoint). Every response gets the judge's per-segment grades and its whole-response
// grade, through the same scorer the RL step uses (scorers.ts), so any advantage mode can be
// recomputed from them (src/rl/what-if-advantages.ts); and the plain scores of one response under a re-score.
// The judge's own cache (an LLM judge's, on disk or in IndexedDB) saves the calls a re-score repeats.

import type { Judge, RubricMode } from '../judge/types';
import type { AdvantageMode } from '../rl/advantages';
import { trajectoryReward } from '../rl/step-metrics';
import {
  advantagesFor,
  compareAdvantages,
  scoreFor,
  type AdvantageDiff,
  type AdvantageSettings,
  type AllScores,
} from '../rl/what-if-advantages';
import { textOffsetsToTokens } from '../rl/rl-batch';
import { SPECIAL_TOKENS } from '../model/tokenizer';
import { makeScorer, type ScoreDetail, type TaskProblem } from './scorers';
import type { TraceSet } from './previews';

/** One response graded again: its segments with their verdicts, and the whole-response verdict (`measured`). */
export type RescoredTrace = Required<Pick<ScoreDetail, 'segments' | 'measured'>>;

/**
 * Grades every response of `set` with `judge`, segment by segment and as a whole. `problems` holds the
 * full problems of the set's groups by id (what the judge needs beyond the stored prompt and reference).
 */
export async function rescoreSet(
  set: Pick<TraceSet, 'G' | 'problems'> & { traces: { response: string; truncated: boolean }[] },
  problems: ReadonlyMap<string, TaskProblem>,
  judge: Judge,
  rubricMode: RubricMode,
  signal?: AbortSignal,
): Promise<RescoredTrace[]> {
  const score = makeScorer({ kind: 'process', judge, measure: judge, rubricMode, signal });
  return Promise.all(
    set.traces.map(async (t, s) => {
      const id = set.problems[Math.floor(s / set.G)].id;
      const p = problems.get(id);
      if (!p) throw new Error(`problem ${id} of the step is not among the run's training problems`);
      const d = (await score(p, t.response, t.truncated)).detail as ScoreDetail;
      return { segments: d.segments ?? [], measured: d.measured as NonNullable<ScoreDetail['measured']> };
    }),
  );
}

/** Every score of one response under a re-score (segment starts moved from characters to tokens). */
export function allScoresOf(
  t: { tokens: ArrayLike<number>; truncated: boolean; correct: 0 | 1 },
  r: RescoredTrace,
): AllScores {
  const starts = textOffsetsToTokens(
    t.tokens,
    r.segments.map((x) => x.start),
    (id) => id < SPECIAL_TOKENS,
  );
  return {
    length: t.tokens.length,
    truncated: t.truncated,
    correct: t.correct,
    outcome: r.measured.status === 'ok' ? r.measured.reward : null,
    segments: r.segments.map((x, k) => ({
      start: starts[k],
      score: x.verdict.status === 'ok' ? x.verdict.reward : null,
    })),
  };
}

/** A stored step against its re-score: mean rewards (the mode's score) before and after, and the advantages' diff. */
export interface StepComparison {
  step: number;
  responses: number;
  reward: number; // mean over the scored responses, as stored (NaN: none scored)
  rescored: number; // the same under the re-score
  diff: AdvantageDiff; // the re-score's advantages under `mode` against the stored ones
}

const mean = (xs: (number | null)[]) => {
  const ok = xs.filter((x): x is number => x !== null);
  return ok.length > 0 ? ok.reduce((a, b) => a + b, 0) / ok.length : NaN;
};

/** How a stored step's advantages would differ under a re-score, with `mode`'s advantages. */
export function compareStep(
  set: TraceSet,
  rescored: RescoredTrace[],
  mode: AdvantageMode,
  settings: AdvantageSettings,
): StepComparison {
  const all = set.traces.map((t, i) => allScoresOf(t, rescored[i]));
  const w = advantagesFor(mode, all, set.G, settings);
  return {
    step: set.step,
    responses: set.traces.length,
    reward: mean(set.traces.map((t) => trajectoryReward(t.score))),
    rescored: mean(all.map((x) => trajectoryReward(scoreFor(mode, x)))),
    diff: compareAdvantages(
      set.traces.map((t) => t.advantages),
      w.advantages,
      set.traces.map((t) => t.mask),
      w.masks,
    ),
  };
}
