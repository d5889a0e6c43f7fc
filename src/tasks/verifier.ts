// The verifier: a generated problem knows the truth of every step of its worked solution, so a
// response's work can be checked step by step (operands and result, at its place). It is a metric
// that no arm trains on, and the ground truth the built-in judge's per-step grades are measured
// against. Step lines look like "### 8+7+1=16" or, with index hints, "### C8+c7+1=16" (the letter
// names the column: a = ones); a hint letter is not an operand.

import { extractAnswer, answersMatch } from './checker';
import { STEP_PREFIX } from './problem';

export interface StepClaim {
  column: number | null; // the column an index hint names (a = 0), null without hints
  key: string; // what makes two steps the same step: operator, operands (a sum's zero terms dropped, sorted), result
  holds: boolean; // the arithmetic is true
}

// A hint is one letter right before a digit, at the start of a term ("C8", "+c7").
const HINT = /(^|[+\-*/=\s])([A-Za-z])(?=\d)/g;
const CLAIM = /^\s*([-+*/\d\s]+?)\s*=\s*(-?\d+)\s*$/;

/** The step a text states ("C8+c7+1=16", "48*2=96"), or null when it is not one arithmetic claim. */
export function parseStep(text: string): StepClaim | null {
  let column: number | null = null;
  const bare = text.replace(HINT, (_, before: string, letter: string) => {
    if (column === null) column = letter.toLowerCase().charCodeAt(0) - 97;
    return before;
  });
  const m = CLAIM.exec(bare);
  if (!m) return null;
  const lhs = m[1].replace(/\s+/g, '');
  const terms = lhs.split(/([-+*/])/);
  if (terms.length < 3 || terms.some((t, i) => (i % 2 === 0 ? !/^\d+$/.test(t) : false))) return null;
  const ops = terms.filter((_, i) => i % 2 === 1);
  const nums = terms.filter((_, i) => i % 2 === 0).map(Number);
  const result = Number(m[2]);
  const value = evalLeftToRight(nums, ops);
  const allPlus = ops.every((o) => o === '+');
  const operands = allPlus ? nums.filter((n) => n !== 0).sort((a, b) => a - b) : nums;
  const key = `${allPlus ? '+' : ops.join('')}:${operands.join(',')}=${result}`;
  return { column, key, holds: value === result };
}

// + and - left to right after * and /, as people read "48*2+37".
function evalLeftToRight(nums: number[], ops: string[]): number {
  const vals = [nums[0]];
  const addOps: string[] = [];
  ops.forEach((o, i) => {
    if (o === '*') vals[vals.length - 1] *= nums[i + 1];
    else if (o === '/') vals[vals.length - 1] /= nums[i + 1];
    else (addOps.push(o), vals.push(nums[i + 1]));
  });
  return vals.reduce((acc, v, i) => (i === 0 ? v : addOps[i - 1] === '+' ? acc + v : acc - v), 0);
}

/** The step lines of a text (the text after each line's "### "). */
export function stepLines(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(STEP_PREFIX))
    .map((l) => l.slice(STEP_PREFIX.length));
}

/** The reference's steps: those of the problem's worked solution, in order. */
export function referenceSteps(problem: { worked: string }): StepClaim[] {
  return stepLines(problem.worked).map((l) => {
    const s = parseStep(l);
    if (!s) throw new Error(`verifier: the worked solution's step ${JSON.stringify(l)} is not an arithmetic claim`);
    return s;
  });
}

/** Whether a stated step is the reference's step `ref` (same column when either names one). */
export function sameStep(stated: StepClaim, ref: StepClaim, refIndex: number): boolean {
  if (stated.column !== null && stated.column !== (ref.column ?? refIndex)) return false;
  return stated.key === ref.key;
}

export interface Verdict {
  total: number; // the reference's steps
  inOrder: number; // leading response steps that are the reference's steps, in order
  allSteps: boolean; // every reference step right, in order (inOrder === total)
  answer: boolean; // the final answer line matches
}

/** Checks a response's work against the problem's own steps. */
export function verifyResponse(problem: { worked: string; answer: string }, response: string): Verdict {
  const ref = referenceSteps(problem);
  const got = stepLines(response);
  let inOrder = 0;
  while (inOrder < ref.length && inOrder < got.length) {
    const s = parseStep(got[inOrder]);
    if (!s || !s.holds || !sameStep(s, ref[inOrder], inOrder)) break;
    inOrder++;
  }
  return {
    total: ref.length,
    inOrder,
    allSteps: ref.length > 0 && inOrder === ref.length,
    answer: answersMatch(extractAnswer(response), problem.answer),
  };
}
