// `npm run train -- <options>`: pre-trains the tiny GPT under Node on WebGPU (a GPU, or SwiftShader)
// through the shared run lifecycle: a progress line every few steps, checkpoints on a cadence (so
// `--resume` continues a stopped run bit-identically), then greedy samples.

import { parseArgs } from 'node:util';
import { readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { acquireGpu } from '../gpu/device';
import { PipelineCache } from '../gpu/pipelines';
import { MODEL_PRESETS, type ModelConfig } from '../model/config';
import { decodeCheckpoint } from '../model/checkpoint';
import { DEFAULT_PRETRAIN, type PretrainOptions } from '../model/trainer-api';
import { builtinCorpus, unigramEntropy } from '../tasks/facts';
import { DEFAULT_TASK_CONFIG, taskConfig, type TaskConfig } from '../tasks/task-config';
import { pretrainCorpus } from '../tasks/splits';
import { PretrainJob } from '../run/pretrain-job';
import { corpusFromFile } from '../run/corpus-file';
import { formatMetric } from '../run/metric-names';
import { UsageError, intArg, floatArg, choiceArg, runCli } from './args';
import { driveToFiles, reportOutcome } from './drive';

const HELP = `usage: npm run train -- [options]
  --corpus SRC           builtin (arithmetic facts, default), tasks (the task families' pre-training
                         corpus), FILE.jsonl (one document per line: a JSON string or {"text": ...};
                         documents keep their line breaks) or FILE (one document per line)
  --task-docs N          with --corpus tasks: documents (default ${DEFAULT_TASK_CONFIG.nPrimitives})
  --task-seed N          with --corpus tasks: the task generator's seed (default ${DEFAULT_TASK_CONFIG.seed})
  --tasks JSON           with --corpus tasks: the task world's knobs (default: the built-in world, src/tasks/task-config.ts)
  --preset NAME          model size: ${Object.keys(MODEL_PRESETS).join(', ')} (default small)
  --steps N              optimiser steps (default ${DEFAULT_PRETRAIN.steps})
  --batch N              sequences per step (default ${DEFAULT_PRETRAIN.batchSize})
  --seq N                tokens per sequence (default ${DEFAULT_PRETRAIN.seqLength}, raised to hold the longest document)
  --lr X                 peak learning rate (default ${DEFAULT_PRETRAIN.lr})
  --warmup N             warm-up steps (default min(${DEFAULT_PRETRAIN.warmupSteps}, steps/10))
  --seed N               seed for init and batches (default ${DEFAULT_PRETRAIN.seed})
  --out FILE             checkpoint path (default runs/pretrain.ckpt); metrics go to FILE.metrics.jsonl
  --checkpoint-every N   steps between checkpoints (default 100)
  --init FILE            start from the weights of this checkpoint (its model; a new optimiser and
                         schedule): continued pre-training, for instance on another task world
  --resume               continue from the checkpoint at --out (same options), if it exists
  --log-every N          progress line every N steps (default 10)
  --samples N            greedy samples printed at the end (default 4)`;

async function loadCorpus(src: string, docs: number, taskSeed: number, world: Partial<TaskConfig>): Promise<string[]> {
  if (src === 'builtin') return builtinCorpus();
  if (src === 'tasks') return pretrainCorpus({ ...world, seed: taskSeed }, docs);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(src);
  } catch (e) {
    throw new UsageError(
      `cannot read corpus file ${src}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  try {
    const r = corpusFromFile(src, bytes);
    for (const n of r.notes) console.log(`note: ${n}`);
    return r.documents;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The bytes of the --init checkpoint, whose model must be the --preset's (so the run's provenance is true). */
async function readInit(path: string, model: ModelConfig): Promise<ArrayBuffer> {
  if (!existsSync(path)) throw new UsageError(`--init: no checkpoint at ${path}`);
  const bytes = (await readFile(path)).buffer as ArrayBuffer;
  const config = decodeCheckpoint(bytes).header.config;
  if (JSON.stringify(config) !== JSON.stringify(model))
    throw new UsageError(
      `--init: ${path} holds a model of ${JSON.stringify(config)}, not the --preset's; pass its preset`,
    );
  return bytes;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string' },
      'task-docs': { type: 'string' },
      'task-seed': { type: 'string' },
      tasks: { type: 'string' },
      preset: { type: 'string' },
      steps: { type: 'string' },
      batch: { type: 'string' },
      seq: { type: 'string' },
      lr: { type: 'string' },
      warmup: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      'checkpoint-every': { type: 'string' },
      init: { type: 'string' },
      resume: { type: 'boolean' },
      'log-every': { type: 'string' },
      samples: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  const preset = choiceArg('preset', values.preset, 'small', Object.keys(MODEL_PRESETS));
  const model = MODEL_PRESETS[preset];
  const src = values.corpus ?? 'builtin';
  if (
    src !== 'tasks' &&
    (values['task-docs'] !== undefined || values['task-seed'] !== undefined || values.tasks !== undefined)
  ) {
    throw new UsageError('--task-docs, --task-seed and --tasks go with --corpus tasks');
  }
  let world: Partial<TaskConfig> = {};
  if (values.tasks !== undefined) {
    try {
      world = JSON.parse(values.tasks) as Partial<TaskConfig>;
      taskConfig(world);
    } catch (e) {
      throw new UsageError(`--tasks: ${(e as Error).message}`);
    }
  }
  const corpus = await loadCorpus(
    src,
    intArg('task-docs', values['task-docs'], DEFAULT_TASK_CONFIG.nPrimitives, 1, 1e6),
    intArg('task-seed', values['task-seed'], DEFAULT_TASK_CONFIG.seed, 0, 2 ** 31 - 1),
    world,
  );
  const longest = corpus.reduce((m, t) => Math.max(m, t.length + 2), 0); // framed <bos> text <eos>
  const steps = intArg('steps', values.steps, DEFAULT_PRETRAIN.steps, 1, 1e7);
  const opts: PretrainOptions = {
    ...DEFAULT_PRETRAIN,
    model,
    steps,
    batchSize: intArg('batch', values.batch, DEFAULT_PRETRAIN.batchSize, 1, 1024),
    seqLength: intArg(
      'seq',
      values.seq,
      Math.min(model.contextLength, Math.max(DEFAULT_PRETRAIN.seqLength, src === 'builtin' ? 0 : longest)),
      2,
      model.contextLength,
    ),
    lr: floatArg('lr', values.lr, DEFAULT_PRETRAIN.lr, 1e-7, 0.5),
    warmupSteps: intArg(
      'warmup',
      values.warmup,
      Math.min(DEFAULT_PRETRAIN.warmupSteps, Math.floor(steps / 10)),
      0,
      steps,
    ),
    seed: intArg('seed', values.seed, DEFAULT_PRETRAIN.seed, 0, 2 ** 31 - 1),
  };
  const logEvery = intArg('log-every', values['log-every'], 10, 1, 1e7);
  const nSamples = intArg('samples', values.samples, 4, 0, 8);
  const checkpointEvery = intArg('checkpoint-every', values['checkpoint-every'], 100, 1, 1e7);
  const out = values.out ?? 'runs/pretrain.ckpt';
  if (longest > opts.seqLength && src !== 'builtin')
    console.log(`note: the longest document has ${longest} tokens framed; sequences of ${opts.seqLength} cut it`);

  const resuming = values.resume === true && existsSync(out);
  const initBytes = values.init === undefined || resuming ? null : await readInit(values.init, model);
  const { device, info } = await acquireGpu();
  console.log(`adapter: ${info.adapterName}${info.isFallback ? ' (CPU fallback)' : ''}`);
  const gpu = { device, pipelines: new PipelineCache(device) };
  const jobOpts = { opts, corpus, previewPrompts: [], previewTokens: 0, meta: { corpus: src, preset } };
  if (!resuming) await rm(`${out}.metrics.jsonl`, { force: true });
  const job = resuming
    ? await PretrainJob.resume(gpu, (await readFile(out)).buffer as ArrayBuffer, jobOpts)
    : initBytes !== null
      ? await PretrainJob.fromWeights(gpu, initBytes, jobOpts)
      : await PretrainJob.create(gpu, jobOpts);
  if (resuming) console.log(`resuming from ${out} at step ${job.stepCount}`);
  else if (initBytes !== null) console.log(`starting from the weights of ${values.init}`);
  const entropy = unigramEntropy([job.trainer.tokenStream]);
  console.log(
    `model: ${preset}, ${job.trainer.paramCount.toLocaleString('en-US')} parameters; corpus: ${corpus.length} examples, unigram entropy ${entropy.toFixed(3)} nats/token`,
  );

  let recent = 0,
    recentN = 0,
    tokens = 0,
    ms = 0,
    last = NaN;
  const started = performance.now();
  const outcome = await driveToFiles(job, {
    checkpointPath: out,
    metricsPath: `${out}.metrics.jsonl`,
    checkpointEvery,
    device,
    onStep: (p) => {
      const v = p.values;
      recent += v['pretrain/loss'];
      recentN++;
      tokens += opts.batchSize * opts.seqLength;
      ms += v['pretrain/ms_per_step'];
      last = v['pretrain/loss'];
      if (p.step % logEvery === 0 || p.step === opts.steps) {
        console.log(
          `step ${String(p.step).padStart(5)}/${opts.steps}  loss ${(recent / recentN).toFixed(4)}  grad ${formatMetric('pretrain/grad_norm', v['pretrain/grad_norm'])}  lr ${v['pretrain/lr'].toExponential(2)}  ${Math.round((tokens / ms) * 1000)} tok/s`,
        );
        recent = recentN = tokens = ms = 0;
      }
    },
  });
  reportOutcome(outcome, out, job.stepCount);
  if (outcome.status !== 'done') return job.destroy();
  const secs = (performance.now() - started) / 1000;
  console.log(
    `done in ${secs.toFixed(1)} s: final loss ${last.toFixed(4)} vs unigram entropy ${entropy.toFixed(4)} (ratio ${(last / entropy).toFixed(3)})`,
  );
  console.log(`checkpoint written to ${out}`);

  if (nSamples > 0) {
    const prompts = corpus.slice(0, nSamples).map((ex) => {
      const nl = ex.indexOf('\n');
      return nl > 0 ? ex.slice(0, nl + 1) : ex.slice(0, Math.max(1, Math.floor(ex.length / 2)));
    });
    const outs = await job.trainer.generate(prompts, {
      maxNewTokens: Math.min(
        model.contextLength - 1 - Math.max(...prompts.map((p) => p.length)),
        Math.max(24, longest),
      ),
      temperature: 0,
      seed: opts.seed,
    });
    console.log('greedy samples (prompt | continuation):');
    prompts.forEach((p, i) => console.log(`  ${JSON.stringify(p)} | ${JSON.stringify(outs[i])}`));
  }
  job.destroy();
}

void runCli(main);
