// The page's warm-up: with an 'async' pipeline cache it compiles every pipeline a pre-training step
// of the tiny and small presets needs (a run started afterwards compiles nothing new); with a 'lazy'
// cache (Node) it compiles nothing.
import { describe, expect, it } from 'vitest';
import { PipelineCache } from '../../src/gpu/pipelines';
import { warmPretrainPipelines } from '../../src/model/warm-up';
import { Pretrainer } from '../../src/model/trainer';
import { DEFAULT_PRETRAIN } from '../../src/model/trainer-api';
import { MODEL_PRESETS } from '../../src/model/config';
import { builtinCorpus } from '../../src/tasks/facts';
import { testGpu } from '../helpers/gpu';

describe('warming up the pipelines of a pre-training step', () => {
  it("'async': every pipeline a tiny or small run records exists afterwards", async () => {
    const g = await testGpu();
    const gpu = { device: g.device, pipelines: new PipelineCache(g.device, 'async') };
    const n = await warmPretrainPipelines(gpu);
    expect(n).toBeGreaterThan(20);
    expect(gpu.pipelines.pending).toBe(0);
    for (const preset of ['tiny', 'small']) {
      const t = await Pretrainer.create(
        gpu,
        { ...DEFAULT_PRETRAIN, model: MODEL_PRESETS[preset], batchSize: 4, seqLength: 48 },
        builtinCorpus(),
      );
      expect([preset, gpu.pipelines.size, gpu.pipelines.pending]).toEqual([preset, n, 0]);
      t.destroy();
    }
  });

  it("'lazy': nothing is compiled ahead", async () => {
    const g = await testGpu();
    const gpu = { device: g.device, pipelines: new PipelineCache(g.device, 'lazy') };
    expect(await warmPretrainPipelines(gpu)).toBe(0);
  });
});
