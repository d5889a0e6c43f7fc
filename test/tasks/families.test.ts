// Task families: determinism per seed, worked solutions that evaluate, references that state the
// answer, the 160-token budget, and corruptions that really go wrong (slips visibly, logic quietly).
import { describe, expect, it } from 'vitest';
import { findClaims } from '../../src/judge/claims';
import { extractAnswer } from '../../src/tasks/checker';
import { taskConfig } from '../../src/tasks/task-config';
import { FAMILY_NAMES, TASK_FAMILIES, taskFamily } from '../../src/tasks/families';
import { sameNumber } from '../../src/tasks/numbers';
import { encode } from '../../src/model/tokenizer';
import { parseChainPrompt } from '../../src/tasks/chain';
import { carrySteps, parseCarryPrompt } from '../../src/tasks/carry';
import { parseLinearPrompt } from '../../src/tasks/linear';
import { mulberry32 } from '../../src/util/rng';

const config = taskConfig();

function sample(family: (typeof FAMILY_NAMES)[number], seed: number, n: number, difficulty?: number) {
  const rng = mulberry32(seed);
  const f = TASK_FAMILIES[family];
  return Array.from({ length: n }, (_, i) =>
    f.generate(rng, difficulty ?? 1 + (i % f.maxDifficulty), config, i % 2 ? 'hard' : 'primitive'),
  );
}

describe.each(FAMILY_NAMES)('task family %s', (family) => {
  it('is deterministic per seed and varies with it', () => {
    expect(sample(family, 7, 20)).toEqual(sample(family, 7, 20));
    expect(sample(family, 8, 20)).not.toEqual(sample(family, 7, 20));
  });

  it('writes worked solutions whose every step holds and whose answer line is the answer', () => {
    for (const p of sample(family, 3, 300)) {
      const lines = p.worked.split('\n');
      const steps = lines.slice(0, -1);
      expect(steps.length).toBe(p.difficulty);
      // a column or an operation; with index hints the column's letters and the carry always written
      for (const l of steps) expect(l).toMatch(/^### ([A-H]\d\+[a-h]\d\+[01]=\d\d|\d+[-+*/]\d+(\+1)?=\d+)$/);
      const claims = findClaims(p.worked);
      expect(claims.length).toBe(p.difficulty);
      expect(
        claims.every((c) => c.ok),
        p.worked,
      ).toBe(true);
      expect(lines[lines.length - 1]).toBe(`A: ${p.answer}`);
      expect(extractAnswer(p.worked)).toBe(p.answer);
      expect(p.intermediates[p.intermediates.length - 1]).toBe(p.answer);
      expect(p.intermediates.length).toBeLessThanOrEqual(p.difficulty + 1); // every step's result, then the answer
      expect(p.prompt).toMatch(/^Q: .+\n$/);
      expect(p.id).toMatch(new RegExp(`^${family}-[0-9a-f]{8}$`));
      // everything the policy reads or writes is in the tokenizer's vocabulary, references too
      expect(() => encode(p.prompt + p.worked + p.reference)).not.toThrow();
    }
  });

  it('states the final answer in the human reference, in words that differ from the worked steps', () => {
    for (const p of sample(family, 4, 100)) {
      expect(p.reference).toContain(p.answer);
      expect(p.reference).not.toContain('###');
      expect(p.reference).toMatch(/[a-z]{3,}/);
    }
  });

  it('solves what the prompt asks', () => {
    for (const p of sample(family, 5, 100)) {
      if (family === 'chain') {
        const s = parseChainPrompt(p.prompt);
        let v = s.start;
        for (const { op, b } of s.ops) v = op === '+' ? v + b : op === '-' ? v - b : op === '*' ? v * b : v / b;
        expect(String(v)).toBe(p.answer);
        expect(s.ops.length).toBe(p.difficulty);
      } else if (family === 'carry') {
        const [a, b] = parseCarryPrompt(p.prompt);
        expect(String(a + b)).toBe(p.answer);
      } else {
        const s = parseLinearPrompt(p.prompt);
        let v = Number(p.answer);
        for (const { op, b } of s.ops) v = op === '+' ? v + b : op === '-' ? v - b : op === '*' ? v * b : v / b;
        expect(v).toBe(s.rhs);
      }
    }
  });

  it('fits the hardest problems in the context budget', () => {
    const f = TASK_FAMILIES[family];
    const lens = sample(family, 6, 200, f.maxDifficulty).map((p) => p.prompt.length + p.worked.length);
    // the splits resample the rare overlong ones; most must fit outright
    expect(lens.filter((l) => l <= config.maxChars).length).toBeGreaterThan(190);
  });

  it('corrupts one step: a slip is a false claim, a logic error is valid arithmetic; both change the answer', () => {
    const f = TASK_FAMILIES[family];
    const rng = mulberry32(11);
    let changed = 0;
    const problems = sample(family, 9, 100, 4);
    for (const p of problems) {
      const slip = f.corrupt(p, rng, 'slip');
      const logic = f.corrupt(p, rng, 'logic');
      expect(findClaims(slip).filter((c) => !c.ok).length).toBe(1);
      expect(
        findClaims(logic).every((c) => c.ok),
        logic,
      ).toBe(true);
      expect(slip.split('\n').length).toBe(p.worked.split('\n').length);
      if (!sameNumber(extractAnswer(slip) ?? NaN, p.answer) && !sameNumber(extractAnswer(logic) ?? NaN, p.answer))
        changed++;
    }
    expect(changed).toBeGreaterThanOrEqual(98);
  });
});

describe('families', () => {
  it('registry knows the three families and names the known ones on a typo', () => {
    expect(FAMILY_NAMES).toEqual(['chain', 'carry', 'linear']);
    expect(taskFamily('carry').name).toBe('carry');
    expect(() => taskFamily('chains')).toThrow(/unknown task family "chains"; known: chain, carry, linear/);
  });

  it('chain prompts read left to right, and its example from the brief', () => {
    expect(parseChainPrompt('Q: 48*2+37-5\n')).toEqual({
      start: 48,
      ops: [
        { op: '*', b: 2 },
        { op: '+', b: 37 },
        { op: '-', b: 5 },
      ],
    });
    expect(() => parseChainPrompt('Q: 48*\n')).toThrow(/not a chain prompt/);
  });

  it('carry steps add the carry in and write the final carry in front', () => {
    const { steps, answer } = carrySteps(4738, 2596);
    expect(steps.map((s) => `${s.expr}=${s.value}`)).toEqual(['8+6=14', '3+9+1=13', '7+5+1=13', '4+2+1=7']);
    expect(answer).toBe(7334);
    expect(carrySteps(95, 7).answer).toBe(102);
    expect(carrySteps(4738, 2596, { column: 1, dropCarry: true }).answer).toBe(7324);
    expect(carrySteps(95, 17, { column: 2, dropCarry: true }).answer).toBe(12);
  });
});
