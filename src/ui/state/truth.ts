// "Reward against truth": the lines of each arm's panel, all shares or rewards in [0, 1]. The reward
// the arm trains on and the judge's against the true reference, beside the verifier's check of the
// same responses (which no arm trains on), the judge's failed grades and the truncated responses:
// where reward hacking, a broken judge or a length limit would show.

import type { MetricName } from '../../run/metric-names';
import type { RunView } from './runview.svelte';

export interface TruthLine {
  metric: MetricName;
  label: string;
  color: string; // Okabe-Ito
  width: number;
  dash?: number[];
}

export const TRUTH_LINES: readonly TruthLine[] = [
  { metric: 'rl/reward', label: 'reward trained on', color: '#0072b2', width: 2.5 },
  { metric: 'rl/dense_reward', label: 'judge (true reference)', color: '#56b4e9', width: 1.75, dash: [6, 4] },
  { metric: 'rl/steps_in_order', label: 'steps right (verifier)', color: '#009e73', width: 2.5 },
  { metric: 'rl/all_steps', label: 'all steps right', color: '#009e73', width: 1.75, dash: [2, 3] },
  { metric: 'judge/failure_share', label: 'judge failed', color: '#d55e00', width: 1.75 },
  { metric: 'rl/completions/clipped_ratio', label: 'truncated', color: '#cc79a7', width: 1.75, dash: [10, 3, 2, 3] },
];

/** The runs with RL steps (SFT and Base have none), each with whether the verifier's figures were logged. */
export function truthRuns(views: readonly RunView[]): { view: RunView; verified: boolean }[] {
  return views
    .filter((v) => (v.series.values['rl/reward'] ?? []).some(Number.isFinite))
    .map((view) => ({ view, verified: (view.series.values['rl/steps_in_order'] ?? []).some(Number.isFinite) }));
}
