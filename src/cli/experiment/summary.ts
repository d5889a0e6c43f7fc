// The story table printed at the end of `npm run experiment`: per RL arm, the dead zone, the dense and
// sparse rewards from the first to the last quarter of Stage I, the entropy and the prompts unlocked.

import { armStories } from '../../experiment/story';
import type { ResultsFile } from '../../experiment/results';

const f = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '-');

export function storySummary(r: ResultsFile): string {
  const rows = armStories(r);
  if (rows.length === 0) return '';
  const lines = [
    'Stage I training (first quarter of the steps -> last quarter; means over seeds):',
    `${'arm'.padEnd(26)}${'dead zone'.padStart(10)}${'dense reward'.padStart(18)}${'correct'.padStart(18)}${'entropy'.padStart(9)}${'unlocked'.padStart(10)}`,
  ];
  for (const s of rows) {
    lines.push(
      `${s.label.padEnd(26)}${f(s.deadZone, 2).padStart(10)}${`${f(s.denseFirst)} -> ${f(s.denseLast)}`.padStart(18)}` +
        `${`${f(s.correctFirst)} -> ${f(s.correctLast)}`.padStart(18)}${f(s.entropyLast).padStart(9)}${f(s.unlocked, 0).padStart(10)}`,
    );
  }
  lines.push(
    'dead zone: share of groups whose 0/1 correctness did not vary (no sparse-GRPO signal); dense reward: the judge score (k-1)/4 against the hidden reference.',
  );
  return lines.join('\n');
}
