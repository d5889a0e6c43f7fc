// Single arithmetic operations as the chain and linear families use them: sampling one that keeps
// the running value a positive integer within the config's bounds, applying it, and parsing
// "*2+37-5"-style operation lists back out of a prompt.

import { randInt, type Rng } from '../util/rng';
import type { TaskConfig } from './task-config';
import { pick } from './problem';

export type Op = '+' | '-' | '*' | '/';

export interface OpStep {
  op: Op;
  b: number; // the operand: a term for + and -, a factor or divisor for * and /
}

export function applyOp(v: number, op: Op, b: number): number {
  if (op === '+') return v + b;
  if (op === '-') return v - b;
  if (op === '*') return v * b;
  return v / b;
}

/** The operation that undoes `op` (solving equations peels operations off in reverse). */
export const INVERSE: Record<Op, Op> = { '+': '-', '-': '+', '*': '/', '/': '*' };

/**
 * One operation on the running value `v` whose result stays an integer in [1, maxValue], drawn
 * uniformly over the feasible operations in `config.ops`, then over the feasible operands. Null
 * when none is feasible (e.g. only '*' allowed and v is already near maxValue).
 */
export function sampleOp(rng: Rng, v: number, config: TaskConfig): OpStep | null {
  const [aLo, aHi] = config.addendRange;
  const [fLo, fHi] = config.factorRange;
  const max = config.maxValue;
  const divisors: number[] = [];
  for (let k = fLo; k <= fHi; k++) if (v % k === 0 && v / k >= 1) divisors.push(k);
  const feasible: Op[] = [];
  for (const op of config.ops as Iterable<Op>) {
    if (op === '+' && v + aLo <= max) feasible.push(op);
    if (op === '-' && v - aLo >= 1) feasible.push(op);
    if (op === '*' && v * fLo <= max) feasible.push(op);
    if (op === '/' && divisors.length > 0) feasible.push(op);
  }
  if (feasible.length === 0) return null;
  const op = pick(rng, feasible);
  if (op === '+') return { op, b: randInt(rng, aLo, Math.min(aHi, max - v)) };
  if (op === '-') return { op, b: randInt(rng, aLo, Math.min(aHi, v - 1)) };
  if (op === '*') return { op, b: randInt(rng, fLo, Math.min(fHi, Math.floor(max / v))) };
  return { op, b: pick(rng, divisors) };
}

/** Parses "*2+37-5" into operations; null if the text is not such a list. */
export function parseOps(text: string): OpStep[] | null {
  if (!/^([-+*/]\d+)+$/.test(text)) return null;
  return [...text.matchAll(/([-+*/])(\d+)/g)].map((m) => ({ op: m[1] as Op, b: Number(m[2]) }));
}

/** "*2+37-5" */
export function formatOps(ops: OpStep[]): string {
  return ops.map((o) => `${o.op}${o.b}`).join('');
}

/** A small wrong offset for an arithmetic slip that keeps the result non-negative. */
export function slipDelta(rng: Rng, value: number): number {
  const options = [-10, -2, -1, 1, 2, 10].filter((d) => value + d >= 0);
  return pick(rng, options);
}
