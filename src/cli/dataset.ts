// `npm run dataset -- FILE [options]`: checks a JSONL dataset (GSM8K style question/answer with a
// "#### final" line, or question/reference[/final|answer]) and prints what it found: problems, bad lines
// with their numbers, warnings, and problems the policy cannot take (characters outside the
// tokenizer's alphabet, prompts too long for the model's context). `--out` writes the normalised file.
// Exit 0 when there is at least one problem, 1 when there is none, 2 on bad options.

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL } from '../model/config';
import { DEFAULT_RESPONSE_TOKENS, formatIssues, loadDataset } from '../tasks/dataset-load';
import { writeJsonl } from '../util/jsonl';
import { UsageError, intArg, failureExit, runIfMain } from './args';

export const DATASET_USAGE = `usage: npm run dataset -- FILE [options]

  FILE                 JSONL, one problem per line: {"question", "answer": "... #### 42"} (GSM8K) or
                       {"question", "reference"[, "final" | "answer"][, "id"]}
  --context N          the model's context in tokens (default ${DEFAULT_MODEL.contextLength}, the default model's)
  --response-tokens N  room a response needs after the prompt (default ${DEFAULT_RESPONSE_TOKENS})
  --out FILE           write the normalised problems as JSONL {id, question, reference, answer}
  --usable-only        with --out: only the problems the policy can take
  --max-issues N       errors, warnings and unusable problems listed of each (default 20)
  --json               print the counts and every issue as JSON
  --help               this text`;

export interface DatasetCliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  readFile: (path: string) => Uint8Array;
  writeFile: (path: string, text: string) => void;
}

const nodeIo: DatasetCliIo = {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
  readFile: (p) => readFileSync(p),
  writeFile: (p, t) => writeFileSync(p, t),
};

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      context: { type: 'string' },
      'response-tokens': { type: 'string' },
      out: { type: 'string' },
      'usable-only': { type: 'boolean' },
      'max-issues': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  return { values, positionals };
}

export async function datasetCli(argv: string[], io: DatasetCliIo = nodeIo): Promise<number> {
  try {
    const { values: v, positionals } = parse(argv);
    if (v.help) {
      io.out(DATASET_USAGE);
      return 0;
    }
    if (positionals.length !== 1)
      throw new UsageError(
        positionals.length === 0 ? 'give the JSONL file to check' : `one file at a time, got ${positionals.length}`,
      );
    const file = positionals[0];
    const contextLength = intArg('context', v.context, DEFAULT_MODEL.contextLength, 2, 1024);
    const responseTokens = intArg(
      'response-tokens',
      v['response-tokens'],
      DEFAULT_RESPONSE_TOKENS,
      1,
      contextLength - 1,
    );
    const maxIssues = intArg('max-issues', v['max-issues'], 20, 0, 1_000_000);
    if (v['usable-only'] && v.out === undefined) throw new UsageError('--usable-only only goes with --out');
    let bytes: Uint8Array;
    try {
      bytes = io.readFile(file);
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
    }
    const r = loadDataset(bytes, file, { contextLength, responseTokens });
    const imp = r.imported;
    if (v.json) {
      io.out(
        JSON.stringify(
          {
            file,
            counts: r.counts,
            notes: imp.notes,
            fatal: imp.fatal ?? null,
            errors: imp.errors,
            warnings: imp.warnings,
            unusable: r.unusable,
          },
          null,
          2,
        ),
      );
    } else {
      for (const n of imp.notes) io.out(`note: ${n}`);
      if (!imp.fatal) {
        io.out(r.summary);
        const warnedLines = new Set(imp.warnings.map((w) => w.line)).size;
        const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
        io.out(
          `  ${n(r.counts.lines, 'non-blank line')}: ${n(r.counts.problems, 'problem')}, ${n(r.counts.errors, 'error')}; ${n(imp.warnings.length, 'warning')} on ${n(warnedLines, 'line')}`,
        );
        const section = (title: string, items: string[]) => {
          if (items.length === 0 || maxIssues === 0) return;
          io.out(`${title}:`);
          for (const s of items) io.out(`  ${s}`);
        };
        section('errors (lines not imported)', formatIssues(imp.errors, maxIssues));
        section('warnings (imported)', formatIssues(imp.warnings, maxIssues));
        section(
          `not usable by a model with a ${contextLength}-token context`,
          formatIssues(
            r.unusable.map((u) => ({ line: u.line, reason: u.reason })),
            maxIssues,
          ),
        );
      }
    }
    if (v.out !== undefined && !imp.fatal) {
      const keep = v['usable-only'] ? r.usable : imp.problems;
      io.writeFile(
        v.out,
        writeJsonl(
          keep.map((p) => ({ id: p.id, question: p.question, reference: p.reference, answer: p.answer ?? null })),
        ),
      );
      io.err(`wrote ${keep.length} problems to ${v.out}`);
    }
    if (imp.fatal) {
      io.err(`error: ${r.summary}`);
      return 1;
    }
    if (imp.problems.length === 0) {
      io.err(`error: ${file} has no usable problems`);
      return 1;
    }
    return 0;
  } catch (e) {
    return failureExit(e, io.err);
  }
}

runIfMain(import.meta.url, datasetCli);
