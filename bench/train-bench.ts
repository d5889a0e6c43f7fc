// Full training-step throughput (tokens/s) of the GPU trainer for a few model sizes, measured after
// warm-up steps (pipeline compilation happens on the first step) as the median of timed steps.

import { Pretrainer } from '../src/model/trainer';
import { MODEL_PRESETS } from '../src/model/config';
import { DEFAULT_PRETRAIN } from '../src/model/trainer-api';
import { builtinCorpus } from '../src/tasks/facts';
import type { Gpu } from '../src/gpu/dispatch';

export interface TrainBenchRow {
  preset: string;
  params: number;
  B: number;
  T: number;
  msPerStep: number; // median
  tokensPerSec: number;
}

export async function benchTrainStep(
  gpu: Gpu,
  presets: string[],
  B: number,
  T: number,
  warmup = 2,
  reps = 5,
): Promise<TrainBenchRow[]> {
  const corpus = builtinCorpus();
  const rows: TrainBenchRow[] = [];
  for (const preset of presets) {
    const model = MODEL_PRESETS[preset];
    const t = await Pretrainer.create(
      gpu,
      { ...DEFAULT_PRETRAIN, model, batchSize: B, seqLength: T, steps: 1000 },
      corpus,
    );
    for (let i = 0; i < warmup; i++) await t.step();
    const times: number[] = [];
    for (let i = 0; i < reps; i++) times.push((await t.step()).ms);
    times.sort((a, b) => a - b);
    const ms = times[Math.floor(times.length / 2)];
    rows.push({ preset, params: t.paramCount, B, T, msPerStep: ms, tokensPerSec: (B * T * 1000) / ms });
    t.destroy();
  }
  return rows;
}
