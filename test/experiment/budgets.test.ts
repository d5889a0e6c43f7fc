// Every arm of a preset gets the same budget (prompts per step, samples per prompt, response limit,
// number of policy updates) and the same prompts in the same order; arms differ only by their row of
// the arm table; Stage II runs the authors' settings (method.md) whatever the Stage I arm.
import { describe, it, expect } from 'vitest';
import { ARMS, ARM_IDS, STAGE2_RL } from '../../src/experiment/arms';
import { PRESETS } from '../../src/experiment/presets';
import { cellRlConfig, problemStream, type CellWorld } from '../../src/experiment/cell-jobs';
import { hardProblems } from '../../src/tasks/splits';

const train = hardProblems({}, 'train', 40);
const world = (preset: string): CellWorld => ({ options: PRESETS[preset], train, eval: [], maxNewTokens: 77 });

describe('experiment budgets', () => {
  it('every RL arm of every preset has the same P, G, response limit, steps and seed; the arm row sets the rest', () => {
    for (const name of Object.keys(PRESETS)) {
      const w = world(name);
      const cfgs = ARM_IDS.filter((a) => ARMS[a].stageI === 'rl').map((a) => ({
        a,
        c: cellRlConfig(w, ARMS[a], 'stage1', 3),
      }));
      for (const { a, c } of cfgs) {
        const lr = w.options.stageI.lr * (ARMS[a].lrScale ?? 1); // self-distillation: a tenth, as the authors
        expect([c.promptsPerStep, c.groupSize, c.maxNewTokens, c.seed, c.lr], `${name}/${a}`).toEqual([
          w.options.stageI.promptsPerStep,
          w.options.stageI.groupSize,
          77,
          3,
          lr,
        ]);
        expect(c.advantage, a).toBe(ARMS[a].advantage);
        for (const [k, v] of Object.entries(ARMS[a].rl ?? {}))
          expect((c as unknown as Record<string, unknown>)[k], `${a}.${k}`).toEqual(v);
      }
    }
  });

  it("the clip ranges and KL are method.md's: 0.2/0.28 for Outcome, 0.2/0.26 for Process and sparse GRPO, KL 0.001 but none for self-distillation", () => {
    const w = world('paper-toy');
    const c = (a: keyof typeof ARMS) => cellRlConfig(w, ARMS[a], 'stage1', 1);
    expect([c('outcome').epsLow, c('outcome').epsHigh]).toEqual([0.2, 0.28]);
    for (const a of ['process', 'grpo'] as const) expect([c(a).epsLow, c(a).epsHigh]).toEqual([0.2, 0.26]);
    expect(c('process').beta).toBe(0.001);
    expect(c('opsd').beta).toBe(0);
    expect(c('process').entCoef).toBe(0);
  });

  it("Stage II is sparse GRPO with the authors' settings from every Stage I arm, on its own equal budget", () => {
    const w = world('paper-toy');
    for (const a of ARM_IDS) {
      const c = cellRlConfig(w, ARMS[a], 'stage2', 2);
      for (const [k, v] of Object.entries(STAGE2_RL))
        expect((c as unknown as Record<string, unknown>)[k], `${a}.${k}`).toEqual(v);
      expect([c.promptsPerStep, c.groupSize, c.lr]).toEqual([
        w.options.stageII.promptsPerStep,
        w.options.stageII.groupSize,
        w.options.stageII.lr,
      ]);
    }
    expect(STAGE2_RL).toMatchObject({
      advantage: 'sparse-grpo',
      stdNormalize: false,
      aggregation: 'sum-norm',
      entCoef: 0,
      maxGradNorm: 0.3,
    });
  });

  it('arms of a seed draw the same prompts in the same order; another seed draws others', () => {
    const a = problemStream(train, 5),
      b = problemStream(train, 5),
      c = problemStream(train, 6);
    const take = (f: () => { id: string }) => Array.from({ length: 20 }, () => f().id);
    const ids = take(a);
    expect(take(b)).toEqual(ids);
    expect(take(c)).not.toEqual(ids);
  });
});
