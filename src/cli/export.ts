// `npm run export -- CHECKPOINT DIR`: a checkpoint as a Hugging Face GPT-2 folder (hf-export.ts).
// `npm run export -- --tasks DIR`: the task sets (or a user's dataset, --dataset FILE) as JSONL for
// TRL's and verl's GRPO loaders (src/tasks/task-export.ts). Exit 1 on unreadable inputs, 2 on bad options.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '../tasks/dataset-load';
import { FAMILY_NAMES } from '../tasks/families';
import type { FamilyName } from '../tasks/problem';
import { hardProblems } from '../tasks/splits';
import { fromDataset, fromProblem, trlRow, verlRow, type ExportTask } from '../tasks/task-export';
import { writeJsonl } from '../util/jsonl';
import { exportHf } from './hf-export';
import { UsageError, intArg, failureExit, runIfMain } from './args';

export const EXPORT_USAGE = `usage: npm run export -- CHECKPOINT DIR
       npm run export -- --tasks DIR [--family LIST] [--seed S] [--train N] [--eval N]
       npm run export -- --tasks DIR --dataset FILE

  CHECKPOINT DIR     write DIR/model.safetensors, config.json (Hugging Face GPT-2) and the character
                     tokenizer (tokenizer.json, tokenizer_config.json, vocab.json)
  --tasks DIR        write the hard train and eval problems as DIR/{train,eval}.{trl,verl}.jsonl:
                     the prompt, the hidden reference and the final answer, in the row shapes of
                     TRL's GRPOTrainer and verl's RL datasets
  --family LIST      comma-separated task families (default chain)
  --seed S           task seed (default 1)
  --train N, --eval N  problems per split (defaults 1000 and 200)
  --dataset FILE     export a JSONL dataset (see npm run dataset) instead, as DIR/NAME.{trl,verl}.jsonl
  --help             this text`;

export interface ExportCliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  readFile: (path: string) => Uint8Array;
  writeFile: (path: string, data: Uint8Array | string) => void;
  mkdir: (path: string) => void;
}

const nodeIo: ExportCliIo = {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
  readFile: (p) => readFileSync(p),
  writeFile: (p, d) => writeFileSync(p, d),
  mkdir: (p) => mkdirSync(p, { recursive: true }),
};

function read(io: ExportCliIo, path: string, what: string): Uint8Array {
  try {
    return io.readFile(path);
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

function exportModel(io: ExportCliIo, checkpoint: string, dir: string): void {
  const bytes = read(io, checkpoint, 'checkpoint');
  const r = exportHf(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  io.mkdir(dir);
  for (const f of r.files) io.writeFile(join(dir, f.name), f.bytes);
  const c = r.config;
  io.out(`wrote ${r.files.map((f) => f.name).join(', ')} to ${dir}`);
  io.out(`GPT-2: ${c.nLayers} layers, ${c.nHeads} heads, width ${c.dModel}, MLP ${c.mlpWidth}, context ${c.contextLength}, vocabulary ${c.vocabSize}; ${r.params} parameters; step ${r.step}`);
  if (!r.files.some((f) => f.name === 'tokenizer.json')) io.err('note: the checkpoint has no tokenizer vocabulary (its vocabSize is not the character vocabulary\'s); no tokenizer files written');
}

function writeSplit(io: ExportCliIo, dir: string, split: string, tasks: ExportTask[]): void {
  io.writeFile(join(dir, `${split}.trl.jsonl`), writeJsonl(tasks.map(trlRow)));
  io.writeFile(join(dir, `${split}.verl.jsonl`), writeJsonl(tasks.map((t, i) => verlRow(t, split, i))));
  io.out(`${split}: ${tasks.length} problems -> ${join(dir, `${split}.trl.jsonl`)}, ${join(dir, `${split}.verl.jsonl`)}`);
}

export async function exportCli(argv: string[], io: ExportCliIo = nodeIo): Promise<number> {
  try {
    const { values: v, positionals } = parseArgs({
      args: argv, strict: true, allowPositionals: true,
      options: {
        tasks: { type: 'string' }, family: { type: 'string' }, seed: { type: 'string' }, train: { type: 'string' }, eval: { type: 'string' },
        dataset: { type: 'string' }, help: { type: 'boolean' },
      },
    });
    if (v.help) {
      io.out(EXPORT_USAGE);
      return 0;
    }
    if (v.tasks === undefined) {
      const extra = (['family', 'seed', 'train', 'eval', 'dataset'] as const).filter((k) => v[k] !== undefined);
      if (extra.length > 0) throw new UsageError(`--${extra[0]} only goes with --tasks DIR`);
      if (positionals.length !== 2) throw new UsageError('give CHECKPOINT DIR, or --tasks DIR');
      exportModel(io, positionals[0], positionals[1]);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])} with --tasks`);
    const dir = v.tasks;
    if (v.dataset !== undefined) {
      const generated = (['family', 'seed', 'train', 'eval'] as const).filter((k) => v[k] !== undefined);
      if (generated.length > 0) throw new UsageError(`--${generated[0]} is for the generated tasks, not --dataset`);
      const name = basename(v.dataset).replace(/\.jsonl?$/i, '') || 'dataset';
      // The policy's context does not matter to a real model: every parsed problem is exported.
      const r = loadDataset(read(io, v.dataset, 'dataset'), name, { contextLength: 1024, responseTokens: 1 });
      if (r.imported.fatal) throw new Error(`${v.dataset}: ${r.imported.fatal}`);
      if (r.imported.problems.length === 0) throw new Error(`${v.dataset} has no problems (npm run dataset -- ${v.dataset} says why)`);
      if (r.counts.errors > 0) io.err(`${v.dataset}: ${r.counts.errors} bad lines left out (npm run dataset -- ${v.dataset} lists them)`);
      io.mkdir(dir);
      writeSplit(io, dir, name, r.imported.problems.map((p) => fromDataset(p, name)));
      return 0;
    }
    const families = (v.family ?? 'chain').split(',').map((f) => f.trim());
    for (const f of families) if (!(FAMILY_NAMES as string[]).includes(f)) throw new UsageError(`--family: unknown family ${JSON.stringify(f)} (${FAMILY_NAMES.join(', ')})`);
    const seed = intArg('seed', v.seed, 1, 0, 2 ** 31 - 1);
    const nTrain = intArg('train', v.train, 1000, 1, 100_000);
    const nEval = intArg('eval', v.eval, 200, 1, 100_000);
    const task = { families: families as FamilyName[], seed };
    const train = hardProblems(task, 'train', nTrain);
    const evalSet = hardProblems(task, 'eval', nEval);
    io.mkdir(dir);
    writeSplit(io, dir, 'train', train.map(fromProblem));
    writeSplit(io, dir, 'eval', evalSet.map(fromProblem));
    return 0;
  } catch (e) {
    return failureExit(e, io.err);
  }
}

runIfMain(import.meta.url, exportCli);
