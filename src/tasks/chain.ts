// Task family "chain": a start number and 1-6 operations applied left to right, as on a pocket
// calculator ("Q: 48*2+37-5" means ((48*2)+37)-5). Chosen because every step is a primitive a tiny
// model can learn, while the whole chain needs composition it rarely manages: partial progress is
// common and visible to a judge, full correctness is rare. Difficulty = number of operations.

import { randInt, type Rng } from '../util/rng';
import type { TaskConfig } from './task-config';
import { formatNumber } from './numbers';
import { applyOp, formatOps, parseOps, sampleOp, slipDelta, type Op, type OpStep } from './operations';
import {
  capitalize,
  fill,
  makeProblem,
  mergeRuns,
  pick,
  renderWorked,
  type CorruptionKind,
  type Problem,
  type Purpose,
  type Step,
  type TaskFamily,
} from './problem';

export interface ChainSpec {
  start: number;
  ops: OpStep[];
}

/** Parses "Q: 48*2+37-5\n"; throws on anything else (the family only parses its own prompts). */
export function parseChainPrompt(prompt: string): ChainSpec {
  const m = /^Q: (\d+)(\S+)\n$/.exec(prompt);
  const ops = m ? parseOps(m[2]) : null;
  if (!m || !ops) throw new Error(`not a chain prompt: ${JSON.stringify(prompt)}`);
  return { start: Number(m[1]), ops };
}

/** The worked steps of a chain: "48*2=96", "96+37=133", ... */
export function chainSteps(spec: ChainSpec): Step[] {
  const steps: Step[] = [];
  let v = spec.start;
  for (const { op, b } of spec.ops) {
    const c = applyOp(v, op, b);
    steps.push({ expr: `${formatNumber(v)}${op}${b}`, value: c });
    v = c;
  }
  return steps;
}

// Phrases for the first operation (it names the start number) and for later ones (they say "it").
function firstPhrase(rng: Rng, op: Op, b: number, s: number): string {
  const t =
    op === '+'
      ? pick(rng, ['add {b} to {s}', 'take {s} and add {b}', 'start from {s} and add {b}'])
      : op === '-'
        ? pick(rng, ['take {b} from {s}', 'subtract {b} from {s}', 'start from {s} and take away {b}'])
        : op === '*'
          ? pick(
              rng,
              b === 2
                ? ['double {s}', 'take twice {s}']
                : b === 3
                  ? ['triple {s}', 'multiply {s} by 3']
                  : ['multiply {s} by {b}', 'take {b} lots of {s}'],
            )
          : pick(
              rng,
              b === 2 ? ['halve {s}', 'take half of {s}'] : ['divide {s} by {b}', 'split {s} into {b} equal parts'],
            );
  return fill(t, { b, s });
}

function laterPhrase(rng: Rng, op: Op, b: number): string {
  const t =
    op === '+'
      ? pick(rng, ['add {b}', 'add on {b}', 'increase it by {b}'])
      : op === '-'
        ? pick(rng, ['take away {b}', 'subtract {b}', 'knock off {b}'])
        : op === '*'
          ? pick(
              rng,
              b === 2
                ? ['double it', 'double that']
                : b === 3
                  ? ['triple it', 'multiply by 3']
                  : ['multiply by {b}', 'times it by {b}'],
            )
          : pick(rng, b === 2 ? ['halve it', 'cut it in half'] : ['divide by {b}', 'share it into {b} equal parts']);
  return fill(t, { b });
}

/** A person's solution: prose, several operations per sentence, results of merged steps unstated. */
export function chainReference(rng: Rng, spec: ChainSpec, mergeProb: number): string {
  const values = chainSteps(spec).map((s) => formatNumber(s.value));
  const runs = mergeRuns(rng, spec.ops.length, mergeProb);
  const sentences = runs.map((run, r) => {
    const verbs = run.map((i) =>
      i === 0
        ? firstPhrase(rng, spec.ops[i].op, spec.ops[i].b, spec.start)
        : laterPhrase(rng, spec.ops[i].op, spec.ops[i].b),
    );
    let clause = verbs[0];
    for (let i = 1; i < verbs.length; i++) clause += pick(rng, [' and ', ', then ', ' and then ']) + verbs[i];
    const c = values[run[run.length - 1]];
    const last = r === runs.length - 1;
    const tail = last
      ? pick(rng, [': the answer is {c}.', ', which leaves {c} as the answer.', ' to end at {c}.'])
      : pick(rng, [' to get {c}.', ', which gives {c}.', ' and you have {c}.', ', making {c}.']);
    return capitalize(clause) + fill(tail, { c });
  });
  return sentences.join(' ');
}

function sampleSpec(rng: Rng, n: number, config: TaskConfig, purpose: Purpose): ChainSpec | null {
  // hard chains start from the short startRange; primitives start from a number of 2..maxValue's
  // digit count (uniform over digit counts), so single operations are practised on every number
  // size a hard chain passes through
  let start = randInt(rng, config.startRange[0], config.startRange[1]);
  if (purpose === 'primitive') {
    const digits = randInt(rng, String(config.startRange[0]).length, String(config.maxValue).length);
    start = randInt(
      rng,
      Math.max(config.startRange[0], 10 ** (digits - 1)),
      Math.min(config.maxValue, 10 ** digits - 1),
    );
  }
  const ops: OpStep[] = [];
  let v = start;
  for (let i = 0; i < n; i++) {
    const o = sampleOp(rng, v, config);
    if (!o) return null;
    ops.push(o);
    v = applyOp(v, o.op, o.b);
  }
  return { start, ops };
}

function generate(rng: Rng, difficulty: number, config: TaskConfig, purpose: Purpose): Problem {
  for (let attempt = 0; attempt < 100; attempt++) {
    const spec = sampleSpec(rng, difficulty, config, purpose);
    if (!spec) continue;
    const steps = chainSteps(spec);
    const answer = formatNumber(steps[steps.length - 1].value);
    const prompt = `Q: ${spec.start}${formatOps(spec.ops)}\n`;
    const reference = chainReference(rng, spec, config.mergeProb);
    return makeProblem(
      'chain',
      difficulty,
      prompt,
      steps,
      answer,
      reference,
      steps.map((s) => formatNumber(s.value)),
    );
  }
  throw new Error(
    `chain: no ${difficulty}-step chain keeps values within [1, ${config.maxValue}] with ops '${config.ops}'`,
  );
}

// A logic error: the operation a confused solver might use instead ("*2" read as "+2").
const CONFUSED: Record<Op, Op> = { '+': '-', '-': '+', '*': '+', '/': '*' };

function corrupt(problem: Problem, rng: Rng, kind: CorruptionKind): string {
  const spec = parseChainPrompt(problem.prompt);
  let fallback = '';
  for (let attempt = 0; attempt < 20; attempt++) {
    const j = randInt(rng, 0, spec.ops.length - 1);
    const steps: Step[] = [];
    let v = spec.start;
    spec.ops.forEach(({ op, b }, i) => {
      const used = kind === 'logic' && i === j ? CONFUSED[op] : op;
      let c = applyOp(v, used, b);
      if (kind === 'slip' && i === j) c += slipDelta(rng, c); // a false claim, carried forward
      steps.push({ expr: `${formatNumber(v)}${used}${b}`, value: c });
      v = c;
    });
    const answer = formatNumber(v);
    fallback = renderWorked(steps, answer);
    if (answer !== problem.answer && steps.every((s) => Number.isInteger(s.value))) return fallback;
  }
  return fallback;
}

export const chainFamily: TaskFamily = {
  name: 'chain',
  description: 'a start number and 1-6 operations applied left to right (Q: 48*2+37-5)',
  maxDifficulty: 6,
  generate,
  corrupt,
};
