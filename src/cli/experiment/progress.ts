// The experiment's progress lines: one per training step or evaluation batch of a cell, naming the
// cell (arm, stage, seed), its step, the figures that tell the story, and the time left for the cell
// and for the whole experiment, estimated from the seconds per step measured so far for each kind.

import { formatMetric, type MetricName } from '../../run/metric-names';
import type { MetricPoint } from '../../store/records';
import { formatCauses, type FailureCounts } from '../../run/grade-failures';

export type StepKind = 'pretrain' | 'sft' | 'rl' | 'eval';

const SHOWN: Record<StepKind, MetricName[]> = {
  pretrain: ['pretrain/loss'],
  sft: ['sft/loss'],
  rl: [
    'rl/reward',
    'rl/correct',
    'rl/dense_reward',
    'rl/steps_in_order',
    'rl/frac_sparse_zero_std',
    'rl/entropy',
    'rl/solvable_unlocked',
  ],
  eval: ['eval/pass@1', 'eval/pass@k', 'eval/judge_score'],
};

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export class Progress {
  private secs: Record<StepKind, { total: number; n: number }> = {
    pretrain: { total: 0, n: 0 },
    sft: { total: 0, n: 0 },
    rl: { total: 0, n: 0 },
    eval: { total: 0, n: 0 },
  };
  remaining: Record<StepKind, number> = { pretrain: 0, sft: 0, rl: 0, eval: 0 }; // steps not yet taken, all cells
  private last = performance.now();
  counted = false; // whether `remaining` holds every cell's steps yet (before that, the time left is unknown)

  constructor(private readonly log: (line: string) => void) {}

  /** Restarts the step clock (a new cell begins: its set-up is not a step). */
  mark(): void {
    this.last = performance.now();
  }

  /** Seconds per step of a kind, measured so far (NaN before the first). */
  perStep(kind: StepKind): number {
    const s = this.secs[kind];
    return s.n > 0 ? s.total / s.n : NaN;
  }

  /** Estimated seconds for everything not yet run (kinds not yet measured count as unknown). */
  left(): number {
    if (!this.counted) return NaN;
    let t = 0;
    for (const k of Object.keys(this.remaining) as StepKind[])
      if (this.remaining[k] > 0) t += this.remaining[k] * this.perStep(k);
    return t;
  }

  step(cell: string, kind: StepKind, p: MetricPoint, total: number): void {
    const now = performance.now();
    this.secs[kind].total += (now - this.last) / 1000;
    this.secs[kind].n += 1;
    this.last = now;
    this.remaining[kind] = Math.max(0, this.remaining[kind] - 1);
    const figures = SHOWN[kind]
      .filter((m) => m in p.values)
      .map((m) => `${m.split('/').pop()} ${formatMetric(m, p.values[m])}`);
    const cellLeft = (total - p.step) * this.perStep(kind);
    const failed = p.values['judge/failures'] ?? 0;
    const byCause: FailureCounts = Object.fromEntries(
      Object.entries(p.values)
        .filter(([k]) => k.startsWith('judge/failures/'))
        .map(([k, v]) => [k.slice(15), v]),
    );
    const failures = failed > 0 ? `  ·  judge failed ${failed} (${formatCauses(byCause)})` : '';
    this.log(
      `[${cell}] ${kind === 'eval' ? 'batch' : 'step'} ${p.step}/${total}  ${figures.join('  ')}${failures}  ·  ${this.perStep(kind).toFixed(1)} s/step  ·  cell ${formatDuration(cellLeft)} left, all ${formatDuration(this.left())} left`,
    );
  }
}
