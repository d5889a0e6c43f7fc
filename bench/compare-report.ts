// The compare section of `npm run bench`: this checkout against --baseline DIR, printed as tables of
// medians and ratios (start-up in the CLI and in the page, pre-training at the experiment's model size, GRPO step of `small`).

import { MODEL_PRESETS } from '../src/model/config';
import { compareStartup, comparePair } from './compare-bench';
import { comparePageStartup } from './page-bench';

function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const w = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((c, i) => c.padStart(w[i])).join('  ')).join('\n');
}

const s = (ms: number) => (ms / 1000).toFixed(2);
const x = (r: number) => `${r.toFixed(2)}x`;

/** Runs and prints the comparisons (CLI and page start-up, pre-training, GRPO step); `reps` sets the repetitions of each (at least 3 processes). */
export async function runCompare(baseline: string, reps: number): Promise<void> {
  const rounds = Math.max(3, Math.min(reps, 5));
  console.log(
    `\n## start-up: the command of \`npm run train\` -> its line for the first step (B=16 T=64; npm's own start not counted), fresh process each, median of ${rounds}; baseline ${baseline}`,
  );
  const st = await compareStartup(
    baseline,
    [
      ['tiny', MODEL_PRESETS.tiny],
      ['small', MODEL_PRESETS.small],
    ],
    16,
    64,
    rounds,
  );
  console.log(
    table(
      [
        'preset',
        'base s',
        'ours s',
        'ours/base',
        'ours async (probe) s',
        'base GPU->step s',
        'ours GPU->step s',
        'ours/base',
        'pipelines base/ours',
      ],
      st.map((r) => [
        r.preset,
        s(r.baseMs),
        s(r.oursMs),
        x(r.oursMs / r.baseMs),
        s(r.oursAsyncMs),
        s(r.baseGpuMs),
        s(r.oursGpuMs),
        x(r.oursGpuMs / r.baseGpuMs),
        `${r.basePipelines}/${r.oursPipelines}`,
      ]),
    ),
  );

  console.log(
    `\n## start-up in the page: click on Start -> first finished step (batch 4), Chromium with a fresh profile each, the form filled and Start clicked as soon as the adapter is found, median of ${rounds}`,
  );
  const pg = await comparePageStartup(baseline, process.cwd(), ['tiny', 'small'], rounds);
  console.log(
    table(
      ['preset', 'base s', 'ours s', 'ours/base', "ours, the page's own clock s"],
      pg.map((r) => [r.preset, s(r.baseMs), s(r.oursMs), x(r.oursMs / r.baseMs), s(r.oursClockMs)]),
    ),
  );

  // The experiment's model: `small` with the experiment's longer context (the preset named small-<context>).
  const [shippedName, shipped] = Object.entries(MODEL_PRESETS).find(([k]) => k.startsWith('small-')) ?? [
    'small',
    MODEL_PRESETS.small,
  ];
  console.log(
    `\n## pre-training at the experiment's size (${shippedName}, B=16 T=64): median ms/step of ${reps} steps per process, median of ${rounds} processes`,
  );
  const tr = await comparePair(baseline, { what: 'train', config: shipped, B: 16, T: 64, reps }, rounds);
  console.log(
    table(
      ['tree', 'ms/step', 'tokens/s', 'loss at step 1'],
      [
        ['base', tr.base.msPerStep.toFixed(0), tr.base.tokensPerSec.toFixed(0), tr.base.firstLoss.toFixed(5)],
        ['ours', tr.ours.msPerStep.toFixed(0), tr.ours.tokensPerSec.toFixed(0), tr.ours.firstLoss.toFixed(5)],
      ],
    ),
  );
  console.log(`tokens/s ours/base: ${x(tr.ours.tokensPerSec / tr.base.tokensPerSec)}`);

  console.log(
    `\n## GRPO step, small, 4 prompts x 8 samples, 32 new tokens: median of 4 steps per process, median of ${rounds} processes`,
  );
  const rl = await comparePair(
    baseline,
    { what: 'rl', config: MODEL_PRESETS.small, B: 1, T: 1, reps: 4, P: 4, G: 8, newTokens: 32 },
    rounds,
  );
  const tot = (r: Record<string, number>) => r.sampleS + r.updateS;
  console.log(
    table(
      ['tree', 'sample s', 'score s', 'update s', 'sample+update s'],
      [
        [
          'base',
          rl.base.sampleS.toFixed(3),
          rl.base.rewardS.toFixed(3),
          rl.base.updateS.toFixed(3),
          tot(rl.base).toFixed(3),
        ],
        [
          'ours',
          rl.ours.sampleS.toFixed(3),
          rl.ours.rewardS.toFixed(3),
          rl.ours.updateS.toFixed(3),
          tot(rl.ours).toFixed(3),
        ],
      ],
    ),
  );
  console.log(
    `sample+update ours/base: ${x(tot(rl.ours) / tot(rl.base))} (sampling ${x(rl.ours.sampleS / rl.base.sampleS)}, update ${x(rl.ours.updateS / rl.base.updateS)})`,
  );
}
