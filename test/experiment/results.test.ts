// The results file's figures: pass@k from per-problem counts against hand values, the 95% interval
// over seeds, the markdown table and the CSV curves, and a clear refusal of files it cannot read.
import { describe, it, expect } from 'vitest';
import { meanPassAtK, passAtK } from '../../src/rl/pass-at-k';
import {
  checkResultsFile,
  curvesCsv,
  meanCi,
  resultsMarkdown,
  RESULTS_SCHEMA,
  type ResultsFile,
} from '../../src/experiment/results';
import { PRESETS } from '../../src/experiment/presets';
import { verdicts } from '../../src/experiment/verdict';

describe('results', () => {
  it('pass@k from counts: hand values', () => {
    expect(passAtK(8, 1, 1)).toBeCloseTo(0.125, 12);
    expect(passAtK(5, 2, 2)).toBeCloseTo(1 - 3 / 10, 12); // 1 - C(3,2)/C(5,2)
    expect(passAtK(8, 1, 8)).toBe(1);
    expect(passAtK(8, 0, 8)).toBe(0);
    expect(
      meanPassAtK(
        [
          { n: 4, c: 0 },
          { n: 4, c: 2 },
        ],
        2,
      ),
    ).toBeCloseTo((0 + (1 - 1 / 6)) / 2, 12); // 1 - C(2,2)/C(4,2)
  });

  it('mean and 95% interval over seeds (Student t)', () => {
    expect(meanCi([0.2, 0.4, 0.6]).mean).toBeCloseTo(0.4, 12);
    expect(meanCi([0.2, 0.4, 0.6]).half).toBeCloseTo(4.302653 * (0.2 / Math.sqrt(3)), 6);
    expect(Number.isNaN(meanCi([0.5]).half)).toBe(true);
  });

  it('renders the tables and the curves', () => {
    const evalOf = (c: number) => ({
      n: 2,
      k: 2,
      temperature: 0.8,
      perProblem: [{ id: 'a', c, steps: 4, inOrder: [c, 4], judgeK: [3, 3], truncated: [0, 0] }],
      passAt1: c / 2,
      passAtK: c > 0 ? 1 : 0,
      passAt: { '1': c / 2, '2': c > 0 ? 1 : 0 },
      stepsInOrder: (c / 4 + 1) / 2,
      allSteps: 0.5,
      judgeScore: 0.5,
      judgeFailures: 0,
      meanLength: 10,
      examples: [],
    });
    const r: ResultsFile = {
      schema: RESULTS_SCHEMA,
      name: 't',
      preset: 'smoke',
      command: 'x',
      createdAt: '',
      updatedAt: '',
      complete: true,
      wallSeconds: 60,
      adapter: 'cpu',
      options: {
        ...PRESETS.smoke,
        seeds: [1, 2],
        stageII: { ...PRESETS.smoke.stageII, steps: 0 },
        eval: { ...PRESETS.smoke.eval, k: 2 },
      },
      arms: [{ id: 'grpo', label: 'Sparse GRPO', stageI: 'rl', why: '' }],
      cells: [1, 2].map((seed) => ({
        arm: 'grpo' as const,
        stage: 'stage1' as const,
        seed,
        status: 'done' as const,
        steps: 1,
        trainSeconds: 1,
        evalSeconds: 1,
        curve: [{ step: 1, time: 0, values: { 'rl/reward': 0.5 * seed } }],
        eval: evalOf(seed - 1),
      })),
    };
    const md = resultsMarkdown(r);
    // seeds: 0 and 1 correct of 2 (t = 12.7062 for one degree of freedom); steps in order 4/8 and 5/8 of 4 steps
    expect(md).toContain('| arm | steps right in order | all steps right | pass@1 | pass@2 | judge score |');
    expect(md).toContain('| Sparse GRPO | 56.3 ± 79.4 | 50.0 ± 0.0 | 25.0 ± 317.7 | 50.0 ± 635.3 | 0.500 ± 0.000 |');
    expect(curvesCsv(r).split('\n').slice(0, 3)).toEqual([
      'arm,stage,seed,step,metric,value',
      'grpo,stage1,1,1,rl/reward,0.5',
      'grpo,stage1,2,1,rl/reward,1',
    ]);
    expect(() => checkResultsFile({ schema: 'other' })).toThrow(/not a results file this version reads/);
    expect(checkResultsFile(JSON.parse(JSON.stringify(r))).cells).toHaveLength(2);
  });
});

describe('verdicts', () => {
  const evalOf = (steps: number, pass: number) => ({
    n: 16,
    k: 8,
    temperature: 0.8,
    perProblem: [],
    passAt1: pass / 4,
    passAtK: pass,
    passAt: { '1': pass / 4, '16': pass },
    stepsInOrder: steps,
    allSteps: steps / 2,
    judgeScore: 0.5,
    judgeFailures: 0,
    meanLength: 10,
    examples: [],
  });
  const run = (processSteps: number[]): ResultsFile => {
    const arms = ['base', 'grpo', 'process'] as const;
    const cells = arms.flatMap((arm) =>
      [1, 2, 3].flatMap((seed, i) =>
        (['stage1', 'stage2'] as const).map((stage) => ({
          arm,
          stage,
          seed,
          status: 'done' as const,
          steps: 4,
          trainSeconds: 1,
          evalSeconds: 1,
          curve:
            arm === 'base'
              ? []
              : [1, 2, 3, 4, 5, 6, 7, 8].map((step) => ({
                  step,
                  time: 0,
                  values: {
                    'rl/frac_sparse_zero_std': arm === 'grpo' ? 1 : 1 - step / 10,
                    'rl/frac_reward_zero_std': arm === 'grpo' ? 1 : 0.2 + i / 100,
                    'rl/entropy': arm === 'grpo' ? 0.3 : 0.5 + i / 100,
                    'rl/solvable_unlocked': arm === 'grpo' ? 0 : step + i,
                  },
                })),
          eval: arm === 'process' ? evalOf(processSteps[i], 0.3 + i / 100) : evalOf(0.2 + i / 100, 0.01 * i),
        })),
      ),
    );
    return {
      schema: RESULTS_SCHEMA,
      name: 't',
      preset: 'paper-toy',
      command: 'x',
      createdAt: '',
      updatedAt: '',
      complete: true,
      wallSeconds: 60,
      adapter: 'cpu',
      options: {
        ...PRESETS['paper-toy'],
        arms: [...arms],
        seeds: [1, 2, 3],
        eval: { ...PRESETS['paper-toy'].eval, n: 16, k: 8 },
      },
      arms: arms.map((id) => ({ id, label: id, stageI: 'rl' as const, why: '' })),
      cells,
    };
  };

  it('says shown only when the intervals lie apart in the paper direction', () => {
    const v = verdicts(run([0.6, 0.61, 0.62]));
    expect(v.map((x) => x.verdict)).toEqual(['shown', 'shown', 'shown', 'shown', 'not run']);
    // prompts unlocked is a running count: the verdict reads its final value (step 8 + seed index), not
    // the mean of the last quarter (8.5)
    expect(v[2].toy).toContain('prompts unlocked by the end: Process 9.0 ±');
    const tie = verdicts(run([0.2, 0.21, 0.22])); // the same as the baselines
    expect(tie[1].verdict).toBe('not shown');
    expect(resultsMarkdown(run([0.6, 0.61, 0.62]))).toContain(
      '| 2. After Stage I, ExpRL above the baselines (Process >= Outcome) |',
    );
  });
});
