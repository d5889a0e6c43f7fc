// Before an experiment starts: how many judge calls it will make (per arm and stage, from the budgets,
// the scorers and the evaluation) and, given prices, what they may cost. An estimate, said to be one:
// process arms make one call per `###` segment, taken here as the mean number of steps of the problems.

import { ARMS } from './arms';
import type { CellWorld } from './cell-jobs';

// Typical prompt and reply sizes of one grading call with this project's prompts (src/judge/prompts.ts):
// the instructions, the question, the reference and the response or segment; an analysis and a score.
export const TOKENS_PER_CALL = { input: 700, output: 250 };

export interface JudgeEstimate {
  calls: number;
  perCell: { cell: string; calls: number }[];
  cost: number | null; // in the price's currency; null without prices
}

export function estimateJudgeCalls(w: CellWorld, prices?: { in: number; out: number }): JudgeEstimate {
  const o = w.options;
  const segments = w.train.reduce((s, p) => s + Math.max(1, p.difficulty), 0) / Math.max(1, w.train.length);
  const perCell: { cell: string; calls: number }[] = [];
  const evalCalls = o.eval.judgeScore ? Math.min(o.eval.problems, w.eval.length) * o.eval.n : 0;
  for (const id of o.arms) {
    const arm = ARMS[id];
    let s1 = 0;
    if (arm.stageI === 'rl') {
      const samples = o.stageI.steps * o.stageI.promptsPerStep * o.stageI.groupSize;
      const perSample = arm.scorer === 'process' ? segments + (o.logDense ? 1 : 0) : arm.scorer === 'outcome' ? 1 : o.logDense ? 1 : 0;
      s1 = Math.round(samples * perSample);
    }
    perCell.push({ cell: `${id} Stage I`, calls: (s1 + evalCalls) * o.seeds.length });
    if (o.stageII.steps > 0) {
      const s2 = o.logDense ? o.stageII.steps * o.stageII.promptsPerStep * o.stageII.groupSize : 0;
      perCell.push({ cell: `${id} Stage II`, calls: (s2 + evalCalls) * o.seeds.length });
    }
  }
  const calls = perCell.reduce((a, c) => a + c.calls, 0);
  const cost = prices && (prices.in > 0 || prices.out > 0) ? (calls * (TOKENS_PER_CALL.input * prices.in + TOKENS_PER_CALL.output * prices.out)) / 1000 : null;
  return { calls, perCell, cost };
}
