// The knobs of the toy task world in one object, each with its default and the reason for it.
// Moving them moves the toy into or out of the regime where judge rewards help (method.md, "A toy
// world that can tell the story"): longer problems widen the dead zone of sparse RL. The default
// world (column addition, see the README's "The toy world") was chosen by measurement.

import type { FamilyName } from './problem';

export type Range = [number, number]; // inclusive [lo, hi]

export interface TaskConfig {
  families: FamilyName[]; // ['carry']: column addition; every step is a one-digit sum a small model learns, the answer is unguessable
  primitiveSteps: Range; // [1, 3]: pre-training works 1- to 3-column additions in full
  hardSteps: Range; // [6, 6]: 6-column additions; the start model knows each column's step but rarely goes on to the last
  startRange: Range; // [10, 99]: chain family: two-digit starts, so a guessed final answer is right about 1% of the time
  addendRange: Range; // [2, 9]: chain family: one-digit terms
  factorRange: Range; // [2, 9]: single-digit multipliers and divisors, as in "*2" or "/4"
  unknownRange: Range; // [1, 30]: the solution x of the linear equations
  maxValue: number; // 99: chain family: every intermediate result stays two-digit (>= 1)
  ops: string; // '+-': the operations chains may use ('/' only where it divides exactly)
  mergeProb: number; // 0.5: chance that the reference passes over (or merges) a step, leaving its result unstated
  partialShare: number; // 0.3: share of pre-training documents that are long problems worked part way: every prompt length is seen
  partialWorked: Range; // [1, 4]: columns a partial document works before the answer: from one to all but the last (capped at steps - 1)
  stopHazard: number; // 0.85: after each column a long document stops with this chance (0: it works partialWorked columns); one that reaches the last column reads its answer off. At 0.75 sparse GRPO met a right sample within 20 updates; at 0.85 the start model's pass@8 is 0 of 128
  lastStopHazard: number; // 0.4: the stop chance before the last column instead: a model that got that far goes on often enough for a reward to find (method.md)
  partialEnd: 'answer' | 'give-up' | 'no-answer'; // 'no-answer': a long document that stops writes "N/A", so no answer is guessed and "A: " always precedes one read off the work ('give-up': "A: ?"; 'answer': stated without the work)
  indexHints: 'none' | 'ordered' | 'shuffled'; // 'ordered': every digit tagged with its column's letter ("Q: B1A5+b4a3"), so a column's digits are found by letter
  windowShare: number; // 0: share of pre-training documents that work one or two columns anywhere in a long sum ("W: ..."), no answer
  readShare: number; // 0.3: share of pre-training documents that read the answer off a long sum's worked columns ("R: ...")
  evalFraction: number; // 0.2: share of the hard problem space (by hash) reserved for held-out evaluation
  nTrain: number; // 1000: hard training prompts (Stage I and II)
  nEval: number; // 200: held-out hard prompts; enough for pass@k differences of a few points
  nPrimitives: number; // 4000: primitive problems in the pre-training corpus
  maxChars: number; // 158: prompt + worked solution must fit the 160-token context with BOS and EOS
  seed: number; // 1: every generator is a pure function of the config, this seed included
}

export const DEFAULT_TASK_CONFIG: TaskConfig = {
  families: ['carry'],
  primitiveSteps: [1, 3],
  hardSteps: [6, 6],
  startRange: [10, 99],
  addendRange: [2, 9],
  factorRange: [2, 9],
  unknownRange: [1, 30],
  maxValue: 99,
  ops: '+-',
  mergeProb: 0.5,
  partialShare: 0.3,
  partialWorked: [1, 4],
  stopHazard: 0.85,
  lastStopHazard: 0.4,
  partialEnd: 'no-answer',
  indexHints: 'ordered',
  windowShare: 0,
  readShare: 0.3,
  evalFraction: 0.2,
  nTrain: 1000,
  nEval: 200,
  nPrimitives: 4000,
  maxChars: 158,
  seed: 1,
};

/** Defaults overridden by `partial`, validated; errors name the field. */
export function taskConfig(partial: Partial<TaskConfig> = {}): TaskConfig {
  const c: TaskConfig = { ...DEFAULT_TASK_CONFIG, ...partial };
  validateTaskConfig(c);
  return c;
}

export function validateTaskConfig(c: TaskConfig): void {
  const bad = (field: string, why: string) => {
    throw new Error(`tasks.${field} ${why}`);
  };
  const range = (field: keyof TaskConfig, lo: number, hi: number) => {
    const r = c[field] as Range;
    if (
      !Array.isArray(r) ||
      r.length !== 2 ||
      !r.every((v) => Number.isInteger(v)) ||
      r[0] > r[1] ||
      r[0] < lo ||
      r[1] > hi
    ) {
      bad(field, `must be an integer range [lo, hi] within [${lo}, ${hi}], got ${JSON.stringify(r)}`);
    }
  };
  if (!Array.isArray(c.families) || c.families.length === 0) bad('families', 'must name at least one family');
  for (const f of c.families)
    if (!['chain', 'carry', 'linear'].includes(f))
      bad('families', `has unknown family ${JSON.stringify(f)} (chain, carry, linear)`);
  range('primitiveSteps', 1, 6);
  range('hardSteps', 1, 6);
  if (c.primitiveSteps[1] >= c.hardSteps[0])
    bad('primitiveSteps', `must end below hardSteps (${c.hardSteps[0]}) so the splits stay disjoint`);
  range('startRange', 1, 1e6);
  range('addendRange', 1, 1e6);
  range('factorRange', 2, 100);
  range('unknownRange', 1, 1e6);
  if (!Number.isInteger(c.maxValue) || c.maxValue < 10 || c.maxValue > 1e9)
    bad('maxValue', `must be an integer in [10, 1e9], got ${c.maxValue}`);
  if (c.startRange[1] > c.maxValue || c.unknownRange[1] > c.maxValue)
    bad('maxValue', 'must be at least startRange and unknownRange');
  if (c.ops.length === 0 || /[^-+*/]/.test(c.ops))
    bad('ops', `must be a non-empty subset of '+-*/', got ${JSON.stringify(c.ops)}`);
  if (!(c.mergeProb >= 0 && c.mergeProb <= 1)) bad('mergeProb', `must be in [0, 1], got ${c.mergeProb}`);
  if (!(c.partialShare >= 0 && c.partialShare <= 1)) bad('partialShare', `must be in [0, 1], got ${c.partialShare}`);
  range('partialWorked', 0, 5);
  for (const f of ['stopHazard', 'lastStopHazard'] as const)
    if (!(c[f] >= 0 && c[f] <= 1)) bad(f, `must be in [0, 1], got ${c[f]}`);
  if (!['answer', 'give-up', 'no-answer'].includes(c.partialEnd))
    bad('partialEnd', `must be 'answer', 'give-up' or 'no-answer', got ${JSON.stringify(c.partialEnd)}`);
  if (!['none', 'ordered', 'shuffled'].includes(c.indexHints))
    bad('indexHints', `must be 'none', 'ordered' or 'shuffled', got ${JSON.stringify(c.indexHints)}`);
  for (const f of ['windowShare', 'readShare'] as const)
    if (!(c[f] >= 0 && c[f] <= 1)) bad(f, `must be in [0, 1], got ${c[f]}`);
  if (c.partialShare + c.windowShare + c.readShare > 1)
    bad(
      'partialShare',
      `plus windowShare and readShare must be at most 1, got ${c.partialShare + c.windowShare + c.readShare}`,
    );
  if (!(c.evalFraction > 0 && c.evalFraction < 1)) bad('evalFraction', `must be in (0, 1), got ${c.evalFraction}`);
  for (const f of ['nTrain', 'nEval', 'nPrimitives'] as const) {
    if (!Number.isInteger(c[f]) || c[f] < 0) bad(f, `must be a non-negative integer, got ${c[f]}`);
  }
  if (!Number.isInteger(c.maxChars) || c.maxChars < 16) bad('maxChars', `must be an integer >= 16, got ${c.maxChars}`);
  if (!Number.isInteger(c.seed)) bad('seed', `must be an integer, got ${c.seed}`);
}
