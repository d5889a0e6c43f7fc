// The setup of a page run as it is stored (RunRecord.config): plain, GPU-free data shared by the
// page's form, the worker and the runs library. Validation lives in setup.ts, corpora in corpus.ts.

import type { PretrainOptions } from '../model/trainer-api';
import type { RunRecord } from '../store/types';
import type { CorpusId, TaskCorpusSpec } from './corpus';

/** Everything the page chooses before a pre-training run; stored (as plain JSON) in RunRecord.config. */
export interface RunSetup {
  name: string;
  preset: string; // key of MODEL_PRESETS
  corpus: CorpusId; // 'builtin-facts' (the engine's arithmetic facts) or 'task-primitives' (corpus.ts)
  tasks?: TaskCorpusSpec; // which task families, when corpus is 'task-primitives'
  pretrain: PretrainOptions; // model config + optimiser settings, exactly what the engine takes
  sampleEvery: number; // steps between greedy/sampled generations (0 = never)
  checkpointEvery: number; // steps between 'latest' checkpoints; every 5th one is also kept as 'periodic'
}

/** How often a 'latest' checkpoint is also kept as a 'periodic' one. */
export const PERIODIC_EVERY_N_CHECKPOINTS = 5;

/** The form of RunRecord.config for pre-training runs; tolerant of older or foreign records (runs made
 *  before the corpus choice existed trained on the built-in facts). */
export function setupOf(run: RunRecord): RunSetup | undefined {
  const c = run.config as Partial<RunSetup>;
  if (!c || typeof c !== 'object' || !c.pretrain || typeof c.pretrain !== 'object' || !c.pretrain.model) return undefined;
  return { ...(c as RunSetup), corpus: c.corpus ?? 'builtin-facts' };
}
