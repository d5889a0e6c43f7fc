// The start model of an experiment and its judge: the pre-trained checkpoint (a file), or a short
// pre-training run of its own (the smoke preset: a cell that resumes like the others); and the LLM
// judge with its on-disk cache when one is configured (the key comes from the environment only).

import { join } from 'node:path';
import type { Gpu } from '../../gpu/dispatch';
import { MODEL_PRESETS } from '../../model/config';
import { DEFAULT_PRETRAIN } from '../../model/trainer-api';
import { startFromCheckpoint, type RlStart } from '../../rl/start-weights';
import { PretrainJob } from '../../run/pretrain-job';
import { pretrainCorpus } from '../../tasks/splits';
import { LlmJudge } from '../../judge/llm';
import { FsJudgeCache, defaultJudgeCacheDir } from '../../judge/cache-fs';
import type { Judge } from '../../judge/types';
import type { ExperimentOptions } from '../../experiment/options';
import { UsageError } from '../args';
import { driveToFiles } from '../drive';
import { readBytes } from './cell-files';
import type { Progress } from './progress';
import { StoppedError } from './runner';

export async function startModel(gpu: Gpu, o: ExperimentOptions, root: string, progress: Progress): Promise<RlStart> {
  const s = o.start;
  if (s.kind === 'checkpoint') {
    const bytes = await readBytes(s.path);
    if (!bytes)
      throw new UsageError(
        `the start checkpoint ${s.path} does not exist (npm run train writes one; the shipped one is in public/pretrained/)`,
      );
    return startFromCheckpoint(bytes);
  }
  const model = MODEL_PRESETS[s.preset];
  if (!model) throw new UsageError(`unknown model preset ${JSON.stringify(s.preset)} for the start model`);
  const corpus = pretrainCorpus(o.tasks, s.docs);
  const longest = corpus.reduce((m, t) => Math.max(m, t.length + 2), 0);
  const opts = {
    ...DEFAULT_PRETRAIN,
    model,
    steps: s.steps,
    batchSize: s.batchSize,
    lr: s.lr,
    warmupSteps: Math.min(DEFAULT_PRETRAIN.warmupSteps, Math.floor(s.steps / 10)),
    seqLength: Math.min(model.contextLength, Math.max(DEFAULT_PRETRAIN.seqLength, longest)),
  };
  const path = join(root, 'pretrain.ckpt');
  const saved = await readBytes(path);
  const jobOpts = { opts, corpus, previewPrompts: [], previewTokens: 0, meta: { corpus: 'tasks', preset: s.preset } };
  const job = saved ? await PretrainJob.resume(gpu, saved, jobOpts) : await PretrainJob.create(gpu, jobOpts);
  try {
    progress.mark();
    const out = await driveToFiles(job, {
      checkpointPath: path,
      checkpointEvery: 10,
      device: gpu.device,
      onStep: (p) => progress.step('pre-training', 'pretrain', p, job.total),
    });
    if (out.status === 'failed') throw new Error(`pre-training: ${out.error}`);
    if (out.status !== 'done') throw new StoppedError('pre-training');
  } finally {
    job.destroy();
  }
  return startFromCheckpoint((await readBytes(path)) as ArrayBuffer);
}

/** The configured LLM judge (undefined for the built-in one), with its on-disk cache. A fatal setup
 *  is latched by the judge (judge.fatal) and stops the run at the step that met it. */
export function experimentJudge(o: ExperimentOptions): Judge | undefined {
  const j = o.judge;
  if (j.kind === 'builtin') return undefined;
  const apiKey = process.env[j.apiKeyEnv];
  return new LlmJudge(
    {
      baseUrl: j.baseUrl,
      model: j.model,
      apiKey: apiKey || undefined,
      concurrency: j.concurrency,
      rubricMode: o.rubric ?? 'explicit',
      timeoutMs: j.timeoutS * 1000,
      pricePer1kInput: j.pricePer1kInput,
      pricePer1kOutput: j.pricePer1kOutput,
    },
    { cache: new FsJudgeCache(j.cacheDir ?? defaultJudgeCacheDir()) },
  );
}
