// Task family "carry": addition of up to 6-digit numbers written out column by column, ones first,
// with the carry added in ("### 3+9+1=13", or with index hints "### C3+c9+1=13"). Chosen because the procedure is local and learnable, yet
// a dropped carry anywhere spoils the answer: a classic source of partial credit. Difficulty = digits.

import { randInt, type Rng } from '../util/rng';
import type { TaskConfig } from './task-config';
import { formatNumber } from './numbers';
import { slipDelta } from './operations';
import {
  capitalize,
  fill,
  makeProblem,
  pick,
  renderWorked,
  type CorruptionKind,
  type Problem,
  type Step,
  type TaskFamily,
} from './problem';

const COLUMN_NAMES = ['ones', 'tens', 'hundreds', 'thousands', 'ten-thousands', 'hundred-thousands'];

// Index hints (Zhou et al. 2023, "What Algorithms Can Transformers Learn?"): each digit of the prompt
// carries its column's letter (a = ones; upper case for the first addend, lower case for the second)
// and the digits stand in a shuffled order, so the only way to find a column's digits is by its
// letter: one lookup that is the same at every column, which a small model with learned absolute
// positions learns for all columns at once instead of one position at a time.
const HINTS = 'abcdefgh';

/** The letter that names column i (a = ones): upper case for the first addend, lower for the second. */
export function hintOf(column: number, first: boolean): string {
  const h = HINTS[column];
  if (h === undefined)
    throw new Error(`carry: index hints name at most ${HINTS.length} columns, got column ${column + 1}`);
  return first ? h.toUpperCase() : h;
}

/** Parses "Q: 4738+2596\n", or its hinted form "Q: B3D4A8C7+c5a6d2b9\n", into its two addends. */
export function parseCarryPrompt(prompt: string): [number, number] {
  const plain = /^Q: (\d+)\+(\d+)\n$/.exec(prompt);
  if (plain) return [Number(plain[1]), Number(plain[2])];
  const hinted = /^Q: ((?:[A-H]\d)+)\+((?:[a-h]\d)+)\n$/.exec(prompt);
  if (!hinted) throw new Error(`not a carry prompt: ${JSON.stringify(prompt)}`);
  const value = (s: string) => {
    let v = 0;
    for (let i = 0; i < s.length; i += 2) v += Number(s[i + 1]) * 10 ** (s[i].toLowerCase().charCodeAt(0) - 97);
    return v;
  };
  return [value(hinted[1]), value(hinted[2])];
}

/** The prompt of a + b: plain, or with index hints, digits in place or in a shuffled order drawn from rng. */
export function carryPrompt(rng: Rng, a: number, b: number, hints: TaskConfig['indexHints']): string {
  if (hints === 'none') return `Q: ${a}+${b}\n`;
  const width = Math.max(String(a).length, String(b).length);
  const tagged = (n: number, first: boolean) => {
    const d = digitsOf(n, width);
    const order = Array.from({ length: width }, (_, i) => width - 1 - i);
    for (let i = order.length - 1; hints === 'shuffled' && i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order.map((c) => hintOf(c, first) + d[c]).join('');
  };
  return `Q: ${tagged(a, true)}+${tagged(b, false)}\n`;
}

function digitsOf(n: number, width: number): number[] {
  return Array.from({ length: width }, (_, i) => Math.floor(n / 10 ** i) % 10); // ones first
}

/**
 * The column steps of a + b (ones first) and the answer they imply: each column writes sum % 10 and
 * carries when sum >= 10; the last carry is written in front. `tamper` lets corruption change one
 * column: `dropCarry` forgets its incoming carry (column = width: forgets the final carry in front),
 * `delta` mis-adds it. With `hints`, every step names its column's digits by their letters, always
 * writes its incoming carry and writes its sum with two digits ("C3+c9+1=13", "A5+a2+0=07"), so every
 * step line has one shape.
 */
export function carrySteps(
  a: number,
  b: number,
  tamper?: { column: number; dropCarry?: boolean; delta?: number },
  hints = false,
): { steps: Step[]; answer: number } {
  const width = Math.max(String(a).length, String(b).length);
  const da = digitsOf(a, width);
  const db = digitsOf(b, width);
  const steps: Step[] = [];
  let carry = 0;
  let answer = 0;
  for (let i = 0; i < width; i++) {
    const c = tamper?.column === i && tamper.dropCarry ? 0 : carry;
    let s = da[i] + db[i] + c;
    if (tamper?.column === i && tamper.delta) s += tamper.delta;
    if (hints)
      steps.push({
        expr: `${hintOf(i, true)}${da[i]}+${hintOf(i, false)}${db[i]}+${c}`,
        value: s,
        shown: String(s).padStart(2, '0'),
      });
    else steps.push({ expr: c > 0 ? `${da[i]}+${db[i]}+${c}` : `${da[i]}+${db[i]}`, value: s });
    answer += (s % 10) * 10 ** i;
    carry = Math.floor(s / 10);
  }
  if (!(tamper?.column === width && tamper.dropCarry)) answer += carry * 10 ** width;
  return { steps, answer };
}

/** A person's solution: some columns spelled out, others passed over, then the total. */
export function carryReference(rng: Rng, a: number, b: number, mergeProb: number): string {
  const { steps, answer } = carrySteps(a, b);
  if (steps.length === 1)
    return fill(pick(rng, ['{a} and {b} make {s}.', '{a} plus {b} is {s}.']), { a, b, s: answer });
  const parts: string[] = [
    pick(rng, ['Add column by column from the right.', 'Line the numbers up and add from the ones.']),
  ];
  let skipped = 0;
  steps.forEach((st, i) => {
    // the last column is always said; others are passed over with probability mergeProb
    if (i < steps.length - 1 && rng() < mergeProb) {
      skipped++;
      return;
    }
    const [x, y, c] = st.expr.split('+');
    const s = st.value;
    const name = COLUMN_NAMES[i] ?? `column ${i + 1}`;
    const sum = c
      ? fill(pick(rng, ['{x} + {y} + the carried 1 = {s}', '{x} plus {y} plus the carry is {s}']), { x, y, s })
      : fill(pick(rng, ['{x} + {y} = {s}', '{x} and {y} make {s}']), { x, y, s });
    const write =
      s >= 10 ? fill(pick(rng, [', write {d} and carry 1', ', so {d} down and 1 over']), { d: s % 10 }) : '';
    parts.push(capitalize(`${pick(rng, ['', 'in the '])}${name}: ${sum}${write}.`));
  });
  const total = fill(pick(rng, ['So the sum is {t}.', 'Reading off the digits gives {t}.', 'The total is {t}.']), {
    t: answer,
  });
  parts.push(skipped > 0 ? `The other columns go the same way, carrying where needed. ${total}` : total);
  return parts.join(' ');
}

// primitives are simply the 1- and 2-digit additions, so `purpose` changes nothing here
function generate(rng: Rng, difficulty: number, config: TaskConfig): Problem {
  const lo = difficulty === 1 ? 0 : 10 ** (difficulty - 1);
  const hi = 10 ** difficulty - 1;
  for (let attempt = 0; attempt < 100; attempt++) {
    const a = randInt(rng, lo, hi);
    const b = randInt(rng, lo, hi);
    const { steps, answer } = carrySteps(a, b, undefined, config.indexHints !== 'none');
    // "with carries": a multi-column sum without a single carry is no lesson in carrying
    if (difficulty > 1 && !steps.some((s) => s.value >= 10) && attempt < 99) continue;
    const prompt = carryPrompt(rng, a, b, config.indexHints);
    const ans = formatNumber(answer);
    const reference = carryReference(rng, a, b, config.mergeProb);
    const intermediates = difficulty === 1 ? [ans] : [...steps.map((s) => formatNumber(s.value)), ans];
    return makeProblem('carry', difficulty, prompt, steps, ans, reference, intermediates);
  }
  throw new Error('carry: unreachable');
}

function corrupt(problem: Problem, rng: Rng, kind: CorruptionKind): string {
  const [a, b] = parseCarryPrompt(problem.prompt);
  const hints = !/^Q: \d/.test(problem.prompt);
  const width = Math.max(String(a).length, String(b).length);
  const clean = carrySteps(a, b, undefined, hints).steps;
  // a logic error forgets a carry (a column that has one, or the final one), a slip mis-adds a column
  const carried = clean
    .map((s, i) => (s.expr.split('+').length === 3 && !s.expr.endsWith('+0') ? i : -1))
    .filter((i) => i >= 0);
  if (clean[width - 1].value >= 10) carried.push(width);
  let fallback = '';
  for (let attempt = 0; attempt < 20; attempt++) {
    const column = kind === 'logic' && carried.length > 0 ? pick(rng, carried) : randInt(rng, 0, width - 1);
    const tamper =
      kind === 'logic' && carried.length > 0
        ? { column, dropCarry: true }
        : { column, delta: slipDelta(rng, clean[column].value) };
    const { steps, answer } = carrySteps(a, b, tamper, hints);
    fallback = renderWorked(steps, formatNumber(answer));
    if (formatNumber(answer) !== problem.answer) return fallback;
  }
  return fallback;
}

export const carryFamily: TaskFamily = {
  name: 'carry',
  description: 'addition of numbers up to 6 digits, column by column with carries (Q: D4C7B3A8+d2c5b9a6 is 4738+2596)',
  maxDifficulty: 6, // 6 column sums: the most the index hints' letters and a rubric's steps are sized for
  generate,
  corrupt,
};
