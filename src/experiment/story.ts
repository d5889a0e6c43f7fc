// The figures behind method.md's story, per arm, from a results file's training curves: how much of
// Stage I sat in the dead zone (groups whose 0/1 correctness never varied), how the dense judge
// reward and the sparse reward moved from the first steps to the last, the token entropy at the end,
// and how many training prompts had been solved at least once. Averages over seeds.

import type { ArmId } from './arms';
import type { ResultsFile, Stage } from './results';

export interface ArmStory {
  arm: ArmId;
  label: string;
  steps: number;
  deadZone: number; // mean over steps of rl/frac_sparse_zero_std
  denseFirst: number; // mean rl/dense_reward over the first quarter of the steps
  denseLast: number; // over the last quarter
  correctFirst: number;
  correctLast: number;
  entropyLast: number;
  unlocked: number; // rl/solvable_unlocked at the last step
}

const mean = (xs: number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

export function armStories(r: ResultsFile, stage: Stage = 'stage1'): ArmStory[] {
  const out: ArmStory[] = [];
  for (const a of r.arms) {
    const cells = r.cells.filter(
      (c) => c.arm === a.id && c.stage === stage && c.curve.length > 0 && 'rl/correct' in c.curve[0].values,
    );
    if (cells.length === 0) continue;
    const per = (f: (vals: Record<string, number>[]) => number) =>
      mean(cells.map((c) => f(c.curve.map((p) => p.values))));
    const quarter = (vals: Record<string, number>[], last: boolean) => {
      const q = Math.max(1, Math.floor(vals.length / 4));
      return last ? vals.slice(-q) : vals.slice(0, q);
    };
    const m = (vals: Record<string, number>[], k: string) =>
      mean(vals.map((v) => v[k]).filter((x) => Number.isFinite(x)));
    out.push({
      arm: a.id,
      label: a.label,
      steps: mean(cells.map((c) => c.curve.length)),
      deadZone: per((v) => m(v, 'rl/frac_sparse_zero_std')),
      denseFirst: per((v) => m(quarter(v, false), 'rl/dense_reward')),
      denseLast: per((v) => m(quarter(v, true), 'rl/dense_reward')),
      correctFirst: per((v) => m(quarter(v, false), 'rl/correct')),
      correctLast: per((v) => m(quarter(v, true), 'rl/correct')),
      entropyLast: per((v) => m(quarter(v, true), 'rl/entropy')),
      unlocked: per((v) => v[v.length - 1]['rl/solvable_unlocked'] ?? NaN),
    });
  }
  return out;
}
