// Scorers put a reward source in the RL loop (method.md, "Rewards"): sparse (the answer checker),
// ExpRL-Outcome (one judge call per response) and ExpRL-Process (one judge call per `###` segment,
// segment starts given as character offsets, which the loop maps to tokens). Each returns what the
// advantages need, the 0/1 correctness (always computed and logged, never mixed in), the measuring
// judge's whole-response reward (against the true reference, so arms compare on one scale) when a
// measuring judge is given, the verifier's check of the response's steps (when the problem's steps are
// known: logged beside the judge's reward, never trained on), and the verdicts for the inspector.

import { stepLines, verifyResponse } from '../tasks/verifier';
import type { Scored } from '../rl/rl-loop';
import type { StepCheck } from '../rl/step-metrics';
import type { Grade, Judge, JudgeProblem, RubricMode } from '../judge/types';
import { segmentStarts } from '../judge/segments';
import { sparseReward } from '../tasks/checker';
import type { Problem } from '../tasks/problem';

/** What scoring and evaluation need of a problem: a generated one, or one from a user's dataset. */
export type TaskProblem = Pick<
  Problem,
  'id' | 'prompt' | 'answer' | 'reference' | 'intermediates' | 'difficulty' | 'worked'
>;

export type ScorerKind = 'sparse' | 'outcome' | 'process';

/** One verdict as the inspector shows it (plain data, no key, no raw HTTP). */
export interface VerdictDetail {
  k: number | null; // Likert 1..5; null when the reply did not parse
  reward: number | null;
  status: Grade['status'];
  rationale: string;
  cause?: string; // why it failed (http-401, timeout, rubric, no-score, ...), when status is not 'ok'
  error?: string; // the failure in words (never a key)
}

export interface ScoreDetail {
  outcome?: VerdictDetail; // the whole-response verdict the arm trains on (Outcome)
  segments?: { text: string; start: number; verdict: VerdictDetail }[]; // the process verdicts, in order (Process)
  measured?: VerdictDetail; // the measuring judge's whole-response verdict (the rl/dense_reward curve)
}

export interface ScorerOptions {
  kind: ScorerKind;
  judge?: Judge; // the judge the arm trains on: required for 'outcome' and 'process'
  measure?: Judge; // the judge of the rl/dense_reward curve (the true reference, whatever the arm trains on); none: no curve
  rubricMode: RubricMode;
  signal?: AbortSignal;
}

export type ProblemScorer = (problem: TaskProblem, response: string, truncated: boolean) => Promise<Scored>;

/** What the judge sees of a problem: the question, the hidden reference, the answer and its results. */
export function judgeProblem(p: TaskProblem): JudgeProblem {
  const steps = stepLines(p.worked);
  return {
    id: p.id,
    question: p.prompt,
    reference: p.reference,
    answer: p.answer,
    intermediates: p.intermediates,
    ...(steps.length > 0 ? { steps } : {}),
  };
}

const verdict = (g: Grade): VerdictDetail => ({
  k: g.k,
  reward: g.reward,
  status: g.status,
  rationale: g.rationale,
  ...(g.status !== 'ok' ? { cause: g.cause ?? g.status, ...(g.error ? { error: g.error } : {}) } : {}),
});

/** The verifier's check of a response, or undefined when the problem's steps are not known (a dataset's). */
export function checkSteps(p: Pick<TaskProblem, 'worked' | 'answer'>, response: string): StepCheck | undefined {
  if (!p.worked || stepLines(p.worked).length === 0) return undefined;
  const v = verifyResponse(p, response);
  return { inOrder: v.inOrder, total: v.total };
}

export function makeScorer(o: ScorerOptions): ProblemScorer {
  if ((o.kind === 'outcome' || o.kind === 'process') && !o.judge) throw new Error(`the ${o.kind} scorer needs a judge`);
  const opts = { rubricMode: o.rubricMode, signal: o.signal };
  const grade = async (j: Judge, p: TaskProblem, response: string) =>
    verdict(await j.outcome(judgeProblem(p), response, opts));
  return async (p, response, truncated) => {
    const correct = sparseReward(p, response);
    const detail: ScoreDetail = {};
    if (o.kind === 'outcome') detail.outcome = await grade(o.judge as Judge, p, response);
    if (o.kind === 'process') {
      const pg = await (o.judge as Judge).process(judgeProblem(p), response, opts);
      const starts = segmentStarts(pg.segments);
      detail.segments = pg.segments.map((text, i) => ({ text, start: starts[i], verdict: verdict(pg.grades[i]) }));
    }
    // The dense-reward curve: the measuring judge's whole-response grade (the trained one when they agree).
    const measured =
      o.measure === undefined
        ? undefined
        : o.measure === o.judge && detail.outcome
          ? detail.outcome
          : await grade(o.measure, p, response);
    const dense = measured?.reward;
    const verified = checkSteps(p, response);
    const truth = verified ? { verified } : {};
    if (o.kind === 'sparse')
      return {
        score: { kind: 'outcome', reward: truncated ? 0 : correct },
        correct,
        dense,
        ...truth,
        detail: { ...detail, measured },
      };
    if (o.kind === 'outcome')
      return {
        score: { kind: 'outcome', reward: (detail.outcome as VerdictDetail).reward },
        correct,
        dense,
        ...truth,
        detail: { ...detail, measured },
      };
    const segs = detail.segments as NonNullable<ScoreDetail['segments']>;
    const starts = segs.map((x) => x.start);
    const scores = segs.map((x) => (x.verdict.status === 'ok' ? x.verdict.reward : null));
    return {
      score: { kind: 'process', segmentStarts: starts, scores },
      correct,
      dense,
      ...truth,
      detail: { ...detail, measured },
    };
  };
}
