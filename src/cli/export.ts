// `npm run export -- CHECKPOINT DIR`: a checkpoint as a Hugging Face GPT-2 folder (hf-export.ts).
// `npm run export -- --tasks DIR`: the task sets (or a user's dataset, --dataset FILE) as JSONL for
// TRL's and verl's GRPO loaders (src/tasks/task-export.ts). `--verl DIR`: the task set, judge prompts
// and settings for the authors' verl code (export-verl.ts). `--trl DIR`: ExpRL-Outcome as a TRL reward
// module with a training script (export-trl.ts). Exit 1 on unreadable inputs, 2 on bad options.

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
import { UsageError, choiceArg, intArg, failureExit, runIfMain } from './args';
import { runSettings } from './export-settings';
import { writeTrl } from './export-trl';
import { writeVerl } from './export-verl';

export const EXPORT_USAGE = `usage: npm run export -- CHECKPOINT DIR
       npm run export -- --tasks DIR [--family LIST] [--seed S] [--train N] [--eval N]
       npm run export -- --tasks DIR --dataset FILE
       npm run export -- --verl DIR [--preset P] [task options as for --tasks]
       npm run export -- --trl DIR --base-url URL --model NAME [--api-key-env VAR] [--rubric MODE] [--preset P]

  CHECKPOINT DIR     write DIR/model.safetensors, config.json (Hugging Face GPT-2) and the character
                     tokenizer (tokenizer.json, tokenizer_config.json, vocab.json)
  --tasks DIR        write the hard train and eval problems as DIR/{train,eval}.{trl,verl}.jsonl:
                     the prompt, the hidden reference and the final answer, in the row shapes of
                     TRL's GRPOTrainer and verl's RL datasets
  --family LIST      comma-separated task families (default chain)
  --seed S           task seed (default 1)
  --train N, --eval N  problems per split (defaults 1000 and 200)
  --dataset FILE     export a JSONL dataset (see npm run dataset) instead, as DIR/NAME.{trl,verl}.jsonl
  --verl DIR         for the authors' Stage I code (violetxi/ExpRL, stage1_verl): DIR/train.parquet and
                     test.parquet in their row layout, our judge prompts as their template files, one
                     file of launch-script overrides per arm, settings.json and a README
  --trl DIR          for TRL's GRPOTrainer: DIR/train.trl.jsonl, eval.trl.jsonl, exprl_reward.py (the
                     ExpRL-Outcome reward with our judge's prompts, rules, retries and cache), its
                     settings, train_grpo.py and a README
  --preset P         the experiment preset whose settings are exported (default paper-toy)
  --base-url URL, --model NAME   the OpenAI-compatible judge of the TRL reward
  --api-key-env VAR  the environment variable the TRL reward reads the judge's key from
                     (default OPENAI_API_KEY; the key itself is never written)
  --rubric MODE      explicit (default: checkpoints built once per problem) or implicit
  --cache-dir DIR    the TRL reward's judge cache (default: the playground's, ~/.cache/exprl-playground/judge)
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
  io.out(
    `GPT-2: ${c.nLayers} layers, ${c.nHeads} heads, width ${c.dModel}, MLP ${c.mlpWidth}, context ${c.contextLength}, vocabulary ${c.vocabSize}; ${r.params} parameters; step ${r.step}`,
  );
  if (!r.files.some((f) => f.name === 'tokenizer.json'))
    io.err(
      "note: the checkpoint has no tokenizer vocabulary (its vocabSize is not the character vocabulary's); no tokenizer files written",
    );
}

function writeSplit(io: ExportCliIo, dir: string, split: string, tasks: ExportTask[]): void {
  io.writeFile(join(dir, `${split}.trl.jsonl`), writeJsonl(tasks.map(trlRow)));
  io.writeFile(join(dir, `${split}.verl.jsonl`), writeJsonl(tasks.map((t, i) => verlRow(t, split, i))));
  io.out(
    `${split}: ${tasks.length} problems -> ${join(dir, `${split}.trl.jsonl`)}, ${join(dir, `${split}.verl.jsonl`)}`,
  );
}

type ExportValues = { family?: string; seed?: string; train?: string; eval?: string; dataset?: string };

/** The problems to export, by split name: the generated train and eval sets, or one dataset (its file name). */
function readSplits(io: ExportCliIo, v: ExportValues): [string, ExportTask[]][] {
  if (v.dataset !== undefined) {
    const generated = (['family', 'seed', 'train', 'eval'] as const).filter((k) => v[k] !== undefined);
    if (generated.length > 0) throw new UsageError(`--${generated[0]} is for the generated tasks, not --dataset`);
    const name = basename(v.dataset).replace(/\.jsonl?$/i, '') || 'dataset';
    // The policy's context does not matter to a real model: every parsed problem is exported.
    const r = loadDataset(read(io, v.dataset, 'dataset'), name, { contextLength: 1024, responseTokens: 1 });
    if (r.imported.fatal) throw new Error(`${v.dataset}: ${r.imported.fatal}`);
    if (r.imported.problems.length === 0)
      throw new Error(`${v.dataset} has no problems (npm run dataset -- ${v.dataset} says why)`);
    if (r.counts.errors > 0)
      io.err(`${v.dataset}: ${r.counts.errors} bad lines left out (npm run dataset -- ${v.dataset} lists them)`);
    return [[name, r.imported.problems.map((p) => fromDataset(p, name))]];
  }
  const families = (v.family ?? 'chain').split(',').map((f) => f.trim());
  for (const f of families)
    if (!(FAMILY_NAMES as string[]).includes(f))
      throw new UsageError(`--family: unknown family ${JSON.stringify(f)} (${FAMILY_NAMES.join(', ')})`);
  const seed = intArg('seed', v.seed, 1, 0, 2 ** 31 - 1);
  const nTrain = intArg('train', v.train, 1000, 1, 100_000);
  const nEval = intArg('eval', v.eval, 200, 1, 100_000);
  const task = { families: families as FamilyName[], seed };
  return [
    ['train', hardProblems(task, 'train', nTrain).map(fromProblem)],
    ['eval', hardProblems(task, 'eval', nEval).map(fromProblem)],
  ];
}

export async function exportCli(argv: string[], io: ExportCliIo = nodeIo): Promise<number> {
  try {
    const { values: v, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        tasks: { type: 'string' },
        family: { type: 'string' },
        seed: { type: 'string' },
        train: { type: 'string' },
        eval: { type: 'string' },
        dataset: { type: 'string' },
        help: { type: 'boolean' },
        verl: { type: 'string' },
        trl: { type: 'string' },
        preset: { type: 'string' },
        'base-url': { type: 'string' },
        model: { type: 'string' },
        'api-key-env': { type: 'string' },
        rubric: { type: 'string' },
        'cache-dir': { type: 'string' },
      },
    });
    if (v.help) {
      io.out(EXPORT_USAGE);
      return 0;
    }
    const targets = (['tasks', 'verl', 'trl'] as const).filter((k) => v[k] !== undefined);
    if (targets.length > 1)
      throw new UsageError(`give one of --tasks, --verl and --trl, not ${targets.map((t) => `--${t}`).join(' and ')}`);
    const judgeOpts = (['base-url', 'model', 'api-key-env', 'rubric', 'cache-dir'] as const).filter(
      (k) => v[k] !== undefined,
    );
    if (targets[0] !== 'trl' && judgeOpts.length > 0)
      throw new UsageError(`--${judgeOpts[0]} only goes with --trl DIR`);
    if (targets.length === 0) {
      const extra = (['family', 'seed', 'train', 'eval', 'dataset', 'preset'] as const).filter(
        (k) => v[k] !== undefined,
      );
      if (extra.length > 0) throw new UsageError(`--${extra[0]} only goes with --tasks, --verl or --trl DIR`);
      if (positionals.length !== 2)
        throw new UsageError('give CHECKPOINT DIR, or --tasks DIR, --verl DIR or --trl DIR');
      exportModel(io, positionals[0], positionals[1]);
      return 0;
    }
    const target = targets[0];
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])} with --${target}`);
    if (target === 'tasks' && v.preset !== undefined) throw new UsageError('--preset goes with --verl or --trl');
    const dir = v[target] as string;
    const preset = v.preset ?? 'paper-toy';
    if (target !== 'tasks') runSettings(preset, 'outcome'); // an unknown preset is refused before anything is written
    const splits = readSplits(io, v);
    if (target === 'tasks') {
      io.mkdir(dir);
      for (const [name, tasks] of splits) writeSplit(io, dir, name, tasks);
    } else if (target === 'verl') {
      const train = splits.find(([n]) => n === 'train')?.[1] ?? splits[0][1];
      writeVerl(io, dir, train, splits.find(([n]) => n === 'eval')?.[1] ?? null, preset);
    } else {
      if (v['base-url'] === undefined || v.model === undefined)
        throw new UsageError('--trl needs the judge: --base-url URL --model NAME');
      const judge = {
        baseUrl: v['base-url'],
        model: v.model,
        apiKeyEnv: v['api-key-env'] ?? 'OPENAI_API_KEY',
        rubricMode: choiceArg('rubric', v.rubric, 'explicit', ['explicit', 'implicit'] as const),
        cacheDir: v['cache-dir'] ?? null,
      };
      writeTrl(io, dir, splits, judge, preset);
    }
    return 0;
  } catch (e) {
    return failureExit(e, io.err);
  }
}

runIfMain(import.meta.url, exportCli);
