// world-check's conditions, measured with scripted samplers whose behaviour is known: an oracle that
// always continues the right work, and one that knows every step but gives up before the last.
import { describe, it, expect } from 'vitest';
import { checkWorld, type WorldCheckOptions } from '../../src/experiment/start-conditions';
import { hardProblems } from '../../src/tasks/splits';
import { stepLines } from '../../src/tasks/verifier';
import type { Problem } from '../../src/tasks/problem';

const WORLD = {
  indexHints: 'ordered' as const,
  primitiveSteps: [1, 2] as [number, number],
  hardSteps: [5, 5] as [number, number],
  nTrain: 20,
  nEval: 12,
};
const OPTS: WorldCheckOptions = {
  problems: 12,
  samples: 8,
  prefixSamples: 2,
  temperature: 0.8,
  k: 8,
  batch: 64,
  seed: 1,
  maxNewTokens: 120,
};

/** A sampler that continues each prompt with the rest of its problem's worked solution, cut by `cut`. */
function scripted(problems: Problem[], cut: (rest: string, done: number) => string) {
  return async (prompts: string[]) =>
    prompts.map((prompt) => {
      const p = problems.find((q) => prompt.startsWith(q.prompt)) as Problem;
      const full = p.prompt + p.worked;
      const rest = full.slice(prompt.length);
      return { text: cut(rest, stepLines(prompt.slice(p.prompt.length)).length), truncated: false };
    });
}

describe('world-check', () => {
  const problems = hardProblems(WORLD, 'eval', 12);

  it('an oracle passes every condition but the dead zone', async () => {
    const r = await checkWorld(
      problems,
      scripted(problems, (rest) => rest),
      OPTS,
    );
    const pass = Object.fromEntries(r.conditions.map((c) => [c.id, c.pass]));
    expect(pass).toEqual({ steps: true, answer: true, 'dead-zone': false, reinforce: true, 'no-guessing': true });
    expect(r.passAtK).toBe(1);
    expect(r.perStep).toEqual([1, 1, 1, 1, 1]);
  });

  it('a model that knows each step but never works the last one fails "something to reinforce"', async () => {
    // free-running, it writes steps up to the fourth, then gives up; given a "### " header it writes the step
    const giveUp = (rest: string, done: number) => {
      const lines = rest
        .split('\n')
        .filter((l) => l.startsWith('### '))
        .slice(0, Math.max(0, 4 - done));
      return lines.map((l) => l + '\n').join('') + 'A: ?';
    };
    const sampler = scripted(problems, (rest, done) => (rest.startsWith('### ') ? giveUp(rest, done) : rest));
    const r = await checkWorld(problems, sampler, OPTS);
    const byId = Object.fromEntries(r.conditions.map((c) => [c.id, c]));
    expect(byId.steps.pass).toBe(true);
    expect(byId.reinforce.figure).toBe(0);
    expect(byId['dead-zone'].pass).toBe(true); // pass@8 = 0
    expect(byId['no-guessing'].pass).toBe(true); // "A: ?" is no guess
  });
});
