// The shape of one toy problem and the helpers every task family shares: the policy's step format
// ("### 48*2=96" lines, then "A: 128"), stable ids, and small phrase pickers for the human-style
// references. A Problem is plain data (JSON-serialisable); families parse their own prompts back.

import type { Rng } from '../util/rng';
import type { TaskConfig } from './task-config';
import { hashHex } from './hash';
import { formatNumber } from './numbers';

export type FamilyName = 'chain' | 'carry' | 'linear';

export interface Problem {
  id: string; // `${family}-${hash of the prompt}`: equal problems get equal ids
  family: FamilyName;
  difficulty: number; // the number of worked steps
  prompt: string; // what the policy sees, e.g. "Q: 48*2+37-5\n"
  answer: string; // canonical final answer, e.g. "128"
  worked: string; // the policy's own format: "### 48*2=96\n### 96+37=133\n### 133-5=128\nA: 128"
  reference: string; // a human-style solution (prose, merged or skipped steps): the judge's scaffold
  intermediates: string[]; // every step result the reference implies, stated or not, in order; last = answer
}

/** Primitive problems feed pre-training (they may use wider number ranges); hard ones feed RL and eval. */
export type Purpose = 'primitive' | 'hard';

/** How a worked solution goes wrong: an arithmetic slip (a false claim, caught by checking the
 *  arithmetic) or a logic error (valid arithmetic on the wrong operation: only a reference shows it). */
export type CorruptionKind = 'slip' | 'logic';

/** A task family: a seeded generator with a difficulty knob (the number of steps). */
export interface TaskFamily {
  name: FamilyName;
  description: string; // one line for menus and reports
  maxDifficulty: number;
  /** A problem with `difficulty` steps; pure function of the rng state and the config. */
  generate(rng: Rng, difficulty: number, config: TaskConfig, purpose: Purpose): Problem;
  /** The problem's worked solution with one step gone wrong (and the error carried to the answer). */
  corrupt(problem: Problem, rng: Rng, kind: CorruptionKind): string;
}

/** One worked step: an arithmetic claim `expr=value` with a single operation (or a digit column). */
export interface Step {
  expr: string; // e.g. "96+37" or "3+9+1" (with index hints "C3+c9+1")
  value: number; // e.g. 133
  shown?: string; // how the value is written when not plainly (a padded column sum: "07")
}

export const STEP_PREFIX = '### ';
export const ANSWER_PREFIX = 'A: ';

/** The line a response that gives up without an answer ends with (the carry world's partialEnd 'no-answer'). */
export const NO_ANSWER = 'N/A';

/** Lines that close a worked solution: its final answer, or no answer. Each is graded as a segment of its own. */
export const CLOSING_LINES: readonly string[] = [ANSWER_PREFIX, NO_ANSWER];

/** Renders steps in the policy format: one `### expr=value` line each, then `A: answer`. */
export function renderWorked(steps: Step[], answer: string): string {
  return (
    steps.map((s) => `${STEP_PREFIX}${s.expr}=${s.shown ?? formatNumber(s.value)}\n`).join('') + ANSWER_PREFIX + answer
  );
}

/** The first `n` step lines of a worked solution: a correct but unfinished attempt. */
export function truncateWorked(worked: string, n: number): string {
  const lines = worked.split('\n').filter((l) => l.startsWith(STEP_PREFIX));
  return lines
    .slice(0, Math.max(0, n))
    .map((l) => l + '\n')
    .join('');
}

/** The canonical form that identifies a problem (splits partition on it). */
export function canonicalForm(family: FamilyName, prompt: string): string {
  return `${family}:${prompt}`;
}

/** Assembles a Problem; the id is derived from the canonical form. */
export function makeProblem(
  family: FamilyName,
  difficulty: number,
  prompt: string,
  steps: Step[],
  answer: string,
  reference: string,
  intermediates: string[],
): Problem {
  return {
    id: `${family}-${hashHex(canonicalForm(family, prompt))}`,
    family,
    difficulty,
    prompt,
    answer,
    worked: renderWorked(steps, answer),
    reference,
    intermediates,
  };
}

/** A uniformly chosen element. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

/** Fills `{a}`-style slots in a phrase template. */
export function fill(template: string, slots: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(slots[k] ?? `{${k}}`));
}

/** Upper-cases the first letter of a sentence. */
export function capitalize(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}

/**
 * Groups step indices 0..n-1 into runs a person would say in one breath: each boundary between two
 * steps is merged with probability `mergeProb` (the earlier step's result then goes unstated). The
 * last run always ends at the last step, so the final result is always stated.
 */
export function mergeRuns(rng: Rng, n: number, mergeProb: number): number[][] {
  const runs: number[][] = [];
  let cur: number[] = [];
  for (let i = 0; i < n; i++) {
    cur.push(i);
    const merge = i < n - 1 && cur.length < 3 && rng() < mergeProb;
    if (!merge) {
      runs.push(cur);
      cur = [];
    }
  }
  return runs;
}
