// Compiles, ahead of time, the pipelines a pre-training step needs, so that a run started later does
// not wait for them: a throwaway model of the `tiny` preset records one step (1 sequence of 8 tokens)
// and the pipeline cache creates what it recorded. The presets up to `small` use the same pipelines
// (their matrices all take the matmul's 4x4-thread workgroups). Only an 'async' cache compiles ahead
// (the page's); under Node ('lazy') the first step compiles as it goes and this does nothing.

import type { Gpu } from '../gpu/dispatch';
import { MODEL_PRESETS } from './config';
import { Pretrainer } from './trainer';
import { DEFAULT_PRETRAIN } from './trainer-api';

const WARM_CORPUS = ['### 1+2=3']; // any document: nothing is trained

/** Creates the pipelines of a pre-training step; resolves with how many the cache then holds. */
export async function warmPretrainPipelines(gpu: Gpu): Promise<number> {
  if (gpu.pipelines.mode !== 'async') return gpu.pipelines.size;
  const t = await Pretrainer.create(
    gpu,
    { ...DEFAULT_PRETRAIN, model: MODEL_PRESETS.tiny, batchSize: 1, seqLength: 8 },
    WARM_CORPUS,
  );
  try {
    await gpu.pipelines.ready();
  } finally {
    t.destroy();
  }
  return gpu.pipelines.size;
}
