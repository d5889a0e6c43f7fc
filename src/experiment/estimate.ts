// Before an experiment starts: how many requests its LLM judge will send (per arm, stage and seed, from
// the budgets, the scorers, the evaluation and the explicit rubrics of the problems it will grade) and,
// given prices, what they may cost. Cells already done count nothing; rubrics already in the judge's
// cache are subtracted by the caller (it owns the cache). Exact for outcome and sparse arms; process
// arms make one call per `###` segment, taken here as the mean number of steps of the problems.

import { ARMS, type ArmId, type ArmSpec } from './arms';
import { problemStream, type CellWorld } from './cell-jobs';
import type { Stage } from './results';
import type { TaskProblem } from '../run/scorers';

// Typical prompt and reply sizes of one grading call with this project's prompts (src/judge/prompts.ts):
// the instructions, the question, the reference and the response or segment; an analysis and a score.
export const TOKENS_PER_CALL = { input: 700, output: 250 };

export interface JudgeEstimate {
  calls: number; // grading calls plus one rubric call per distinct problem in `rubrics`
  perCell: { cell: string; calls: number }[]; // grading calls of each unfinished cell
  rubrics: TaskProblem[]; // the distinct problems whose explicit rubric the LLM judge needs
}

/** Whether an arm's training grades with the configured (LLM) judge rather than a built-in variant. */
function trainsOnConfigured(w: CellWorld, arm: ArmSpec): boolean {
  return w.judge !== undefined && (!arm.judge || (arm.judge.referenceMode === 'given' && arm.judge.errorRate === 0));
}

/** LLM calls per sampled response of a cell's training (cell-jobs.ts trainingJob decides the same way). */
function callsPerSample(w: CellWorld, arm: ArmSpec, stage: Stage, segments: number): number {
  if (!w.judge) return 0;
  const o = w.options;
  if (stage === 'stage2') return o.logDense ? 1 : 0;
  if (arm.stageI !== 'rl') return 0;
  const scorer = arm.scorer ?? 'sparse';
  const own = trainsOnConfigured(w, arm);
  const trained = scorer === 'outcome' && own ? 1 : scorer === 'process' && own ? segments : 0;
  const measured = (o.logDense || scorer === 'outcome') && !(scorer === 'outcome' && own) ? 1 : 0;
  return trained + measured;
}

export function estimateJudgeCalls(
  w: CellWorld,
  done: (arm: ArmId, stage: Stage, seed: number) => boolean = () => false,
): JudgeEstimate {
  const o = w.options;
  const segments = w.train.reduce((s, p) => s + Math.max(1, p.difficulty), 0) / Math.max(1, w.train.length);
  const perCell: { cell: string; calls: number }[] = [];
  const rubrics = new Map<string, TaskProblem>();
  const explicit = (o.rubric ?? 'explicit') === 'explicit';
  const needRubric = (p: TaskProblem) => {
    if (explicit && p.reference.trim() !== '') rubrics.set(JSON.stringify([p.id, p.prompt, p.reference]), p);
  };
  const evalProblems = w.eval.slice(0, o.eval.problems);
  const evalCalls = w.judge && o.eval.judgeScore ? evalProblems.length * o.eval.n : 0;
  const stages: Stage[] = o.stageII.steps > 0 ? ['stage1', 'stage2'] : ['stage1'];
  for (const seed of o.seeds) {
    for (const id of o.arms) {
      for (const stage of stages) {
        if (done(id, stage, seed)) continue;
        const arm = ARMS[id],
          b = stage === 'stage1' ? o.stageI : o.stageII;
        const perSample = callsPerSample(w, arm, stage, segments);
        let calls = 0;
        if (perSample > 0) {
          const draw = problemStream(w.train, seed + (stage === 'stage2' ? 1000 : 0));
          for (let i = 0; i < b.steps * b.promptsPerStep; i++) needRubric(draw());
          calls += Math.round(b.steps * b.promptsPerStep * b.groupSize * perSample);
        }
        if (evalCalls > 0) evalProblems.forEach(needRubric);
        perCell.push({
          cell: `${id} ${stage === 'stage1' ? 'Stage I' : 'Stage II'} seed ${seed}`,
          calls: calls + evalCalls,
        });
      }
    }
  }
  const calls = perCell.reduce((a, c) => a + c.calls, 0) + rubrics.size;
  return { calls, perCell, rubrics: [...rubrics.values()] };
}

/** The cost of `calls` at prices per 1000 prompt / completion tokens; null without prices. */
export function estimateCost(calls: number, prices?: { in: number; out: number }): number | null {
  return prices && (prices.in > 0 || prices.out > 0)
    ? (calls * (TOKENS_PER_CALL.input * prices.in + TOKENS_PER_CALL.output * prices.out)) / 1000
    : null;
}
