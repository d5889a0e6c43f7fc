// Task family "linear": solve for x when x went through 1-6 operations left to right
// ("Q: x*3+5*2-4=42"). Solving means undoing the operations in reverse ("### 42+4=46"), so it reuses
// the chain's primitives but in an order the model must work out: it tests composition, not
// recall. Difficulty = number of operations.

import { randInt, type Rng } from '../util/rng';
import type { TaskConfig } from './task-config';
import { formatNumber } from './numbers';
import { applyOp, formatOps, INVERSE, parseOps, sampleOp, slipDelta, type Op, type OpStep } from './operations';
import {
  capitalize,
  fill,
  makeProblem,
  mergeRuns,
  pick,
  renderWorked,
  type CorruptionKind,
  type Problem,
  type Step,
  type TaskFamily,
} from './problem';

export interface LinearSpec {
  ops: OpStep[]; // applied to x, left to right
  rhs: number; // the value they reach
}

/** Parses "Q: x*3+5*2-4=42\n". */
export function parseLinearPrompt(prompt: string): LinearSpec {
  const m = /^Q: x(\S+)=(\d+)\n$/.exec(prompt);
  const ops = m ? parseOps(m[1]) : null;
  if (!m || !ops) throw new Error(`not a linear prompt: ${JSON.stringify(prompt)}`);
  return { ops, rhs: Number(m[2]) };
}

/**
 * The solving steps: from the right-hand side, undo each operation, last first. `tamper` changes
 * step j: `slip` adds a wrong offset to its result, `logic` applies the operation itself instead of
 * its inverse (the classic sign error). The last step's value is x.
 */
export function linearSteps(spec: LinearSpec, tamper?: { step: number; slip?: number; logic?: boolean }): Step[] {
  const steps: Step[] = [];
  let v = spec.rhs;
  for (let j = 0; j < spec.ops.length; j++) {
    const { op, b } = spec.ops[spec.ops.length - 1 - j];
    const used: Op = tamper?.step === j && tamper.logic ? op : INVERSE[op];
    let c = applyOp(v, used, b);
    if (tamper?.step === j && tamper.slip) c += tamper.slip;
    steps.push({ expr: `${formatNumber(v)}${used}${b}`, value: c });
    v = c;
  }
  return steps;
}

// How a person says "undo this operation" (keyed by the operation being undone).
function undoPhrase(rng: Rng, op: Op, b: number): string {
  const t =
    op === '+'
      ? pick(rng, ['take away the {b}', 'remove the {b}', 'subtract {b}'])
      : op === '-'
        ? pick(rng, ['add the {b} back', 'put back the {b}', 'add {b}'])
        : op === '*'
          ? pick(rng, b === 2 ? ['halve it', 'divide by 2'] : ['divide by {b}', 'split it {b} ways'])
          : pick(rng, b === 2 ? ['double it', 'multiply by 2'] : ['multiply by {b}', 'scale it up {b} times']);
  return fill(t, { b });
}

/** A person's solution: work backwards in prose, merging some undo steps. */
export function linearReference(rng: Rng, spec: LinearSpec, mergeProb: number): string {
  const steps = linearSteps(spec);
  const parts = [
    fill(pick(rng, ['Work backwards from {r}.', 'Undo the operations in reverse, starting at {r}.']), { r: spec.rhs }),
  ];
  const runs = mergeRuns(rng, steps.length, mergeProb);
  runs.forEach((run, r) => {
    const verbs = run.map((j) => {
      const { op, b } = spec.ops[spec.ops.length - 1 - j];
      return undoPhrase(rng, op, b);
    });
    const clause = verbs.join(pick(rng, [' and ', ', then ']));
    const c = formatNumber(steps[run[run.length - 1]].value);
    const tail =
      r === runs.length - 1
        ? pick(rng, [', so x = {c}.', ': x is {c}.', ' and x comes out as {c}.'])
        : pick(rng, [' to get {c}.', ', which gives {c}.', ' ({c}).']);
    parts.push(capitalize(clause) + fill(tail, { c }));
  });
  return parts.join(' ');
}

function generate(rng: Rng, difficulty: number, config: TaskConfig): Problem {
  for (let attempt = 0; attempt < 100; attempt++) {
    const x = randInt(rng, config.unknownRange[0], config.unknownRange[1]);
    const ops: OpStep[] = [];
    let v = x;
    for (let i = 0; i < difficulty; i++) {
      const o = sampleOp(rng, v, config);
      if (!o) break;
      ops.push(o);
      v = applyOp(v, o.op, o.b);
    }
    if (ops.length < difficulty) continue;
    const spec: LinearSpec = { ops, rhs: v };
    const steps = linearSteps(spec);
    const prompt = `Q: x${formatOps(ops)}=${v}\n`;
    const answer = formatNumber(x);
    const reference = linearReference(rng, spec, config.mergeProb);
    return makeProblem(
      'linear',
      difficulty,
      prompt,
      steps,
      answer,
      reference,
      steps.map((s) => formatNumber(s.value)),
    );
  }
  throw new Error(
    `linear: no ${difficulty}-operation equation keeps values within [1, ${config.maxValue}] with ops '${config.ops}'`,
  );
}

function corrupt(problem: Problem, rng: Rng, kind: CorruptionKind): string {
  const spec = parseLinearPrompt(problem.prompt);
  let fallback = '';
  for (let attempt = 0; attempt < 20; attempt++) {
    const step = randInt(rng, 0, spec.ops.length - 1);
    const clean = linearSteps(spec);
    const tamper = kind === 'logic' ? { step, logic: true } : { step, slip: slipDelta(rng, clean[step].value) };
    const steps = linearSteps(spec, tamper);
    const answer = formatNumber(steps[steps.length - 1].value);
    fallback = renderWorked(steps, answer);
    if (answer !== problem.answer && steps.every((s) => Number.isInteger(s.value))) return fallback;
  }
  return fallback;
}

export const linearFamily: TaskFamily = {
  name: 'linear',
  description: 'solve for x after 1-6 operations applied to it (Q: x*3+5*2-4=42)',
  maxDifficulty: 6,
  generate,
  corrupt,
};
