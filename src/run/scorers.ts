// Scorers put a reward source in the RL loop (method.md, "Rewards"): sparse (the answer checker),
// ExpRL-Outcome (one judge call per response) and ExpRL-Process (one judge call per `###` segment,
// segment starts given as character offsets, which the loop maps to tokens). Each returns what the
// advantages need, the 0/1 correctness (always computed and logged, never mixed in), the judge's
// whole-response reward for logging where it was asked for, and the verdicts for the inspector.

import type { Scored } from '../rl/rl-loop';
import type { Grade, Judge, JudgeProblem, RubricMode } from '../judge/types';
import { segmentStarts } from '../judge/segments';
import { sparseReward } from '../tasks/checker';
import type { Problem } from '../tasks/problem';

export type ScorerKind = 'sparse' | 'outcome' | 'process';

/** One verdict as the inspector shows it (plain data, no key, no raw HTTP). */
export interface VerdictDetail {
  k: number | null; // Likert 1..5; null when the reply did not parse
  reward: number | null;
  status: Grade['status'];
  rationale: string;
}

export interface ScoreDetail {
  outcome?: VerdictDetail; // the whole-response verdict
  segments?: { text: string; start: number; verdict: VerdictDetail }[]; // the process verdicts, in order
}

export interface ScorerOptions {
  kind: ScorerKind;
  judge?: Judge; // required for 'outcome' and 'process'; optional for 'sparse' (then only for logging)
  logDense: boolean; // also grade the whole response for the rl/dense_reward curve when the arm does not
  rubricMode: RubricMode;
  signal?: AbortSignal;
}

export type ProblemScorer = (problem: Problem, response: string, truncated: boolean) => Promise<Scored>;

/** What the judge sees of a problem: the question, the hidden reference, the answer and its results. */
export function judgeProblem(p: Problem): JudgeProblem {
  return { id: p.id, question: p.prompt, reference: p.reference, answer: p.answer, intermediates: p.intermediates };
}

const verdict = (g: Grade): VerdictDetail => ({ k: g.k, reward: g.reward, status: g.status, rationale: g.rationale });

export function makeScorer(o: ScorerOptions): ProblemScorer {
  if ((o.kind === 'outcome' || o.kind === 'process') && !o.judge) throw new Error(`the ${o.kind} scorer needs a judge`);
  const opts = { rubricMode: o.rubricMode, signal: o.signal };
  const outcomeOf = async (p: Problem, response: string) => verdict(await (o.judge as Judge).outcome(judgeProblem(p), response, opts));
  return async (p, response, truncated) => {
    const correct = sparseReward(p, response);
    if (o.kind === 'sparse') {
      const detail: ScoreDetail = {};
      if (o.logDense && o.judge) detail.outcome = await outcomeOf(p, response);
      return { score: { kind: 'outcome', reward: truncated ? 0 : correct }, correct, dense: detail.outcome?.reward, detail };
    }
    if (o.kind === 'outcome') {
      const v = await outcomeOf(p, response);
      return { score: { kind: 'outcome', reward: v.reward }, correct, dense: v.reward, detail: { outcome: v } satisfies ScoreDetail };
    }
    const pg = await (o.judge as Judge).process(judgeProblem(p), response, opts);
    const starts = segmentStarts(pg.segments);
    const segments = pg.segments.map((text, i) => ({ text, start: starts[i], verdict: verdict(pg.grades[i]) }));
    const detail: ScoreDetail = { segments };
    if (o.logDense) detail.outcome = await outcomeOf(p, response);
    const scores = pg.ok ? pg.grades.map((g) => g.reward) : pg.grades.map((g) => (g.status === 'ok' ? g.reward : null));
    return { score: { kind: 'process', segmentStarts: starts, scores }, correct, dense: detail.outcome?.reward, detail };
  };
}
