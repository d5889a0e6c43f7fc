// The sparse correctness reward: read the response's final answer line and compare it with the
// problem's answer. This is the 0/1 reward of sparse GRPO and Stage II, and the ground truth the
// judges are calibrated against; it never looks at the reasoning, only at the stated answer.

import { normalizeNumber, sameNumber, scanNumbers } from './numbers';

// "A: 128" (the policy format) or "#### 128" (GSM8K's format), at the start of a line
const ANSWER_LINE = /^[ \t]*(?:A:|####)[ \t]*(.*)$/gm;

/**
 * The final answer a response states: the rest of its last `A: ...` (or `#### ...`) line, as a
 * canonical number when it holds one ("A: $1,000." -> "1000", "A: x = 6" -> "6"), else the trimmed
 * text. Null when there is no such line or it is empty.
 */
export function extractAnswer(response: string): string | null {
  let last: string | null = null;
  ANSWER_LINE.lastIndex = 0;
  for (let m = ANSWER_LINE.exec(response); m !== null; m = ANSWER_LINE.exec(response)) last = m[1];
  if (last === null) return null;
  const rest = last.trim().replace(/^[a-zA-Z]\s*=\s*/, ''); // "x = 6"
  if (rest === '') return null;
  const whole = normalizeNumber(rest);
  if (whole !== null) return whole;
  const nums = scanNumbers(rest);
  return nums.length > 0 ? normalizeNumber(nums[0].text) : rest;
}

/** Whether two answers agree: numerically when both are numbers, else as trimmed case-folded text. */
export function answersMatch(got: string | null, want: string): boolean {
  if (got === null) return false;
  const a = normalizeNumber(got);
  const b = normalizeNumber(want);
  if (a !== null && b !== null) return sameNumber(a, b);
  return got.trim().toLowerCase() === want.trim().toLowerCase();
}

/** 1 when the response's final answer line matches the problem's answer, else 0. */
export function sparseReward(problem: { answer: string }, response: string): 0 | 1 {
  return answersMatch(extractAnswer(response), problem.answer) ? 1 : 0;
}
