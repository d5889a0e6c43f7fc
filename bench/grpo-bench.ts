// GRPO step timing: how one RL step splits between GPU sampling (KV cache) and the update
// (log-prob passes + clipped policy-gradient step), on the `digits` task from a fresh model.

import { createRlLoop, startFresh } from '../src/rl/start-weights';
import { DEFAULT_RL } from '../src/rl/rl-config';
import { MODEL_PRESETS } from '../src/model/config';
import { VERIFIABLE_TASKS, problemStream } from '../src/tasks/verifiable';
import type { Gpu } from '../src/gpu/dispatch';

export interface GrpoBenchRow {
  preset: string;
  P: number;
  G: number;
  newTokens: number;
  sampleS: number; // median seconds per step spent sampling
  updateS: number; // median seconds per step spent in the update
  sampledTokensPerSec: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchGrpoStep(
  gpu: Gpu,
  presets: string[],
  P: number,
  G: number,
  newTokens: number,
  steps = 4,
): Promise<GrpoBenchRow[]> {
  const rows: GrpoBenchRow[] = [];
  for (const preset of presets) {
    const cfg = { ...DEFAULT_RL, promptsPerStep: P, groupSize: G, maxNewTokens: newTokens, truncationGuard: false };
    const loop = createRlLoop(gpu, startFresh(MODEL_PRESETS[preset], 1), cfg);
    const next = problemStream(VERIFIABLE_TASKS.digits, 1);
    const sample: number[] = [],
      update: number[] = [],
      tps: number[] = [];
    for (let i = 0; i < steps + 1; i++) {
      const problems = Array.from({ length: P }, next);
      const r = await loop.step(
        problems.map((p) => p.prompt),
        async (item, response) => {
          const c = problems[item].check(response);
          return { score: { kind: 'outcome', reward: c }, correct: c };
        },
      );
      if (i === 0) continue; // warm-up: pipeline compilation
      sample.push(r.metrics['rl/timing/sample_s']);
      update.push(r.metrics['rl/timing/update_s']);
      tps.push(r.metrics['rl/tokens_per_s']);
    }
    rows.push({
      preset,
      P,
      G,
      newTokens,
      sampleS: median(sample),
      updateS: median(update),
      sampledTokensPerSec: median(tps),
    });
    loop.destroy();
  }
  return rows;
}
