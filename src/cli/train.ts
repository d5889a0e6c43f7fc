// `npm run train -- <options>`: pre-trains the tiny GPT under Node on WebGPU (a GPU, or SwiftShader),
// printing a progress line per step, then writes a checkpoint and prints greedy samples.

import { parseArgs } from 'node:util';
import { readFile, writeFile } from 'node:fs/promises';
import { acquireGpu } from '../gpu/device';
import { PipelineCache } from '../gpu/pipelines';
import { MODEL_PRESETS } from '../model/config';
import { DEFAULT_PRETRAIN, type PretrainOptions } from '../model/trainer-api';
import { Pretrainer } from '../model/trainer';
import { builtinCorpus, unigramEntropy } from '../tasks/facts';
import { UsageError, intArg, floatArg, choiceArg, runCli } from './args';

const HELP = `usage: npm run train -- [options]
  --corpus FILE|builtin  text corpus, one example per line (default: builtin arithmetic facts)
  --preset NAME          model size: ${Object.keys(MODEL_PRESETS).join(', ')} (default small)
  --steps N              optimiser steps (default ${DEFAULT_PRETRAIN.steps})
  --batch N              sequences per step (default ${DEFAULT_PRETRAIN.batchSize})
  --seq N                tokens per sequence (default ${DEFAULT_PRETRAIN.seqLength})
  --lr X                 peak learning rate (default ${DEFAULT_PRETRAIN.lr})
  --seed N               seed for init and batches (default ${DEFAULT_PRETRAIN.seed})
  --out FILE             checkpoint path (default runs/pretrain.ckpt)
  --log-every N          progress line every N steps (default 10)
  --samples N            greedy samples printed at the end (default 4)`;

async function loadCorpus(src: string): Promise<string[]> {
  if (src === 'builtin') return builtinCorpus();
  let text: string;
  try {
    text = await readFile(src, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read corpus file ${src}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  if (lines.length === 0) throw new UsageError(`corpus file ${src} has no non-empty lines`);
  return lines;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string' }, preset: { type: 'string' }, steps: { type: 'string' }, batch: { type: 'string' },
      seq: { type: 'string' }, lr: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
      'log-every': { type: 'string' }, samples: { type: 'string' }, help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  const preset = choiceArg('preset', values.preset, 'small', Object.keys(MODEL_PRESETS));
  const model = MODEL_PRESETS[preset];
  const opts: PretrainOptions = {
    ...DEFAULT_PRETRAIN, model,
    steps: intArg('steps', values.steps, DEFAULT_PRETRAIN.steps, 1, 1e7),
    batchSize: intArg('batch', values.batch, DEFAULT_PRETRAIN.batchSize, 1, 1024),
    seqLength: intArg('seq', values.seq, DEFAULT_PRETRAIN.seqLength, 2, model.contextLength),
    lr: floatArg('lr', values.lr, DEFAULT_PRETRAIN.lr, 1e-7, 0.5),
    seed: intArg('seed', values.seed, DEFAULT_PRETRAIN.seed, 0, 2 ** 31 - 1),
  };
  opts.warmupSteps = Math.min(opts.warmupSteps, Math.floor(opts.steps / 10));
  const logEvery = intArg('log-every', values['log-every'], 10, 1, 1e7);
  const nSamples = intArg('samples', values.samples, 4, 0, 8);
  const out = values.out ?? 'runs/pretrain.ckpt';
  const corpus = await loadCorpus(values.corpus ?? 'builtin');

  const { device, info } = await acquireGpu();
  console.log(`adapter: ${info.adapterName}${info.isFallback ? ' (CPU fallback)' : ''}`);
  const trainer = await Pretrainer.create({ device, pipelines: new PipelineCache(device) }, opts, corpus);
  const entropy = unigramEntropy([trainer.tokenStream]);
  console.log(`model: ${preset}, ${trainer.paramCount.toLocaleString('en-US')} parameters; corpus: ${corpus.length} examples, unigram entropy ${entropy.toFixed(3)} nats/token`);

  let recent = 0, recentN = 0, tokens = 0, ms = 0, last = NaN;
  const started = performance.now();
  for (let i = 0; i < opts.steps; i++) {
    const r = await trainer.step();
    recent += r.loss; recentN++; tokens += r.tokens; ms += r.ms; last = r.loss;
    if (r.step % logEvery === 0 || r.step === opts.steps) {
      console.log(`step ${String(r.step).padStart(5)}/${opts.steps}  loss ${(recent / recentN).toFixed(4)}  grad ${r.gradNorm.toFixed(3)}  lr ${r.lr.toExponential(2)}  ${Math.round((tokens / ms) * 1000)} tok/s`);
      recent = recentN = tokens = ms = 0;
    }
  }
  const secs = (performance.now() - started) / 1000;
  console.log(`done in ${secs.toFixed(1)} s: final loss ${last.toFixed(4)} vs unigram entropy ${entropy.toFixed(4)} (ratio ${(last / entropy).toFixed(3)})`);

  const { mkdir } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, new Uint8Array(await trainer.saveCheckpoint({ corpus: values.corpus ?? 'builtin', preset })));
  console.log(`checkpoint written to ${out}`);

  if (nSamples > 0) {
    const prompts = corpus.slice(0, nSamples).map((ex) => ex.slice(0, Math.max(1, Math.floor(ex.length / 2))));
    const outs = await trainer.generate(prompts, { maxNewTokens: 24, temperature: 0, seed: opts.seed });
    console.log('greedy samples (prompt | continuation):');
    prompts.forEach((p, i) => console.log(`  ${JSON.stringify(p)} | ${JSON.stringify(outs[i])}`));
  }
  trainer.destroy();
}

void runCli(main);
