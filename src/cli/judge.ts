// `npm run judge -- <options>`: grade a JSONL of {question, reference, response[, answer]} with the
// built-in or an OpenAI-compatible judge and print the calibration table (score >= 4 against the
// answer checker, with the correct reference, none, and a wrong one). `--generate N` makes such a
// file from our own tasks so the table can be produced offline. An LLM judge's API key comes from the
// environment only, never from the command line. A setup the judge cannot work with (wrong key or
// URL, no server, not a chat API) stops the run at the first call with one line naming cause and fix.
// LLM grades are cached on disk across runs (--cache-dir). Exit 1 on such a failure, 2 on bad options.

import { readFileSync, writeFileSync } from 'node:fs';
import { decodeTextBytes } from '../util/jsonl';
import { parseArgs } from 'node:util';
import { BuiltinJudge } from '../judge/builtin';
import {
  CONDITIONS,
  calibrate,
  formatCalibrationTable,
  generateCalibrationSet,
  parseCalibrationJsonl,
  stepRecords,
  type CalibrationRecord,
} from '../judge/calibration';
import { formatStepAgreement, stepAgreement } from '../judge/step-agreement';
import { LlmJudge } from '../judge/llm';
import { MAX_LLM_CONCURRENCY } from '../judge/llm-config';
import type { Judge } from '../judge/types';
import { FAMILY_NAMES } from '../tasks/families';
import type { FamilyName } from '../tasks/problem';
import { UsageError, choiceArg, floatArg, intArg, failureExit, runIfMain } from './args';
import { apiKeyFrom, judgeCacheFrom } from './llm-judge-args';

export { MAX_LLM_CONCURRENCY } from '../judge/llm-config';

export const JUDGE_USAGE = `usage: npm run judge -- (--input FILE | --generate N) [options]

  --input FILE         JSONL, one {question, reference, response[, answer][, correct][, kind]} per line
  --generate N         make N labelled records from held-out problems of the built-in tasks instead
                       (correct, slip, logic error, first half, another problem's solution)
  --out FILE           with --generate: write the records there and stop (no grading)
  --seed S             seed of --generate and of the wrong-reference draw (default 1)
  --family LIST        comma-separated task families for --generate (default ${FAMILY_NAMES.join(',')})
  --judge NAME         builtin (default) or llm
  --error-rate R       builtin: chance in [0, 1] that a grade is replaced at random (default 0)
  --rubric MODE        explicit (default) or implicit
  --delimiter TEXT     process step delimiter (default ###)
  --process            also grade segment by segment and print mean process scores
  --steps              also the per-step agreement with the verifier (records with a known "worked"
                       solution): precision, recall, (FNR+FPR)/2 of k >= 4 on each step segment
  --base-url URL       llm: the OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1
  --model NAME         llm: the model to ask
  --api-key-env VAR    llm: environment variable holding the API key (default OPENAI_API_KEY, used
                       when set; a VAR named here must be set). The key is read from the
                       environment only: there is no option to pass it on the command line
  --structured MODE    llm: auto (default: JSON output where the server accepts it), json_schema, off
  --timeout S          llm: seconds one request may take, reply included (default 60; 0.1..3600)
  --retries N          llm: retries of a request after a 429, 5xx, timeout or dropped connection
                       (default 3; 0..10)
  --cache-dir DIR      llm: where grades are cached across runs (default $XDG_CACHE_HOME or
                       ~/.cache, then exprl-playground/judge); keyed by settings, prompt version
                       and texts, never the key
  --no-cache           llm: neither read nor write the cache
  --concurrency N      records graded at once (default 8; 1..256, with --judge llm 1..16)
  --json               print the numbers as JSON instead of the table
  --help               this text`;

export interface JudgeCliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  readFile: (path: string) => string;
  writeFile: (path: string, text: string) => void;
  env: Record<string, string | undefined>;
  now?: () => number; // ms clock for the progress line (default performance.now)
  progressEveryMs?: number; // a progress line at most this often (default 10 s; 0: after every record)
}

const nodeIo: JudgeCliIo = {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
  readFile: (p) => {
    const d = decodeTextBytes(readFileSync(p));
    if (d.fatal) throw new Error(d.fatal);
    return d.text;
  },
  writeFile: (p, t) => writeFileSync(p, t),
  env: process.env,
};

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      input: { type: 'string' },
      generate: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      family: { type: 'string' },
      judge: { type: 'string' },
      'error-rate': { type: 'string' },
      rubric: { type: 'string' },
      delimiter: { type: 'string' },
      process: { type: 'boolean' },
      steps: { type: 'boolean' },
      'base-url': { type: 'string' },
      model: { type: 'string' },
      'api-key-env': { type: 'string' },
      structured: { type: 'string' },
      concurrency: { type: 'string' },
      json: { type: 'boolean' },
      timeout: { type: 'string' },
      retries: { type: 'string' },
      'cache-dir': { type: 'string' },
      'no-cache': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  return values;
}

/** The whole command: parses `argv`, does the work through `io`, returns the exit code. */
export async function judgeCli(argv: string[], io: JudgeCliIo = nodeIo): Promise<number> {
  try {
    const v = parse(argv);
    if (v.help) {
      io.out(JUDGE_USAGE);
      return 0;
    }
    if ((v.input === undefined) === (v.generate === undefined))
      throw new UsageError('give exactly one of --input FILE or --generate N');
    if (v.out !== undefined && v.generate === undefined) throw new UsageError('--out only goes with --generate');
    const seed = intArg('seed', v.seed, 1, 0, 2 ** 31 - 1);
    const judgeName = choiceArg('judge', v.judge, 'builtin', ['builtin', 'llm'] as const);
    const errorRate = floatArg('error-rate', v['error-rate'], 0, 0, 1);
    const rubricMode = choiceArg('rubric', v.rubric, 'explicit', ['explicit', 'implicit'] as const);
    const concurrency = intArg('concurrency', v.concurrency, 8, 1, judgeName === 'llm' ? MAX_LLM_CONCURRENCY : 256);
    const stepDelimiter = v.delimiter ?? '###';
    if (stepDelimiter === '') throw new UsageError('--delimiter must not be empty');
    const structuredOutput = choiceArg('structured', v.structured, 'auto', ['auto', 'json_schema', 'off'] as const);
    if (judgeName === 'builtin') {
      const llmOnly = (
        ['base-url', 'model', 'api-key-env', 'structured', 'timeout', 'retries', 'cache-dir', 'no-cache'] as const
      ).filter((k) => v[k] !== undefined);
      if (llmOnly.length > 0)
        throw new UsageError(
          `${llmOnly.map((k) => `--${k}`).join(' and ')} need${llmOnly.length > 1 ? '' : 's'} --judge llm`,
        );
    }
    if (judgeName === 'llm' && v['error-rate'] !== undefined)
      throw new UsageError('--error-rate is a knob of the builtin judge only');
    if (v['cache-dir'] !== undefined && v['no-cache']) throw new UsageError('give --cache-dir or --no-cache, not both');
    const timeoutS = floatArg('timeout', v.timeout, 60, 0.1, 3600);
    const maxRetries = intArg('retries', v.retries, 3, 0, 10);
    if (v.model !== undefined && v.model.trim() === '')
      throw new UsageError(`--model must name a model, got ${JSON.stringify(v.model)}`);

    let records: CalibrationRecord[];
    if (v.generate !== undefined) {
      const n = intArg('generate', v.generate, 0, 2, 100_000);
      const families = (v.family ?? FAMILY_NAMES.join(',')).split(',').map((f) => f.trim());
      for (const f of families)
        if (!(FAMILY_NAMES as string[]).includes(f))
          throw new UsageError(`--family: unknown family ${JSON.stringify(f)} (${FAMILY_NAMES.join(', ')})`);
      records = generateCalibrationSet(n, seed, families as FamilyName[]);
      if (v.out !== undefined) {
        io.writeFile(v.out, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
        io.err(`wrote ${records.length} records to ${v.out}`);
        return 0;
      }
    } else {
      if (v.family !== undefined) throw new UsageError('--family only goes with --generate');
      let text: string;
      try {
        text = io.readFile(v.input as string);
      } catch (e) {
        throw new UsageError(`cannot read --input ${v.input}: ${(e as Error).message}`);
      }
      const parsed = parseCalibrationJsonl(text);
      if (parsed.fatal) throw new UsageError(`--input ${v.input}: ${parsed.fatal}`);
      for (const n of parsed.notes) io.err(`${v.input}: note: ${n}`);
      for (const e of parsed.errors) io.err(`${v.input}:${e.line}: skipped: ${e.reason}`);
      if (parsed.records.length === 0) throw new UsageError(`--input ${v.input} has no usable records`);
      records = parsed.records;
    }

    let judge: Judge;
    const stop = new AbortController();
    let fatal: string | undefined;
    if (judgeName === 'llm') {
      if (!v['base-url'] || !v.model) throw new UsageError('--judge llm needs --base-url and --model');
      judge = new LlmJudge(
        {
          baseUrl: v['base-url'],
          model: v.model.trim(),
          apiKey: apiKeyFrom(v['api-key-env'], io.env),
          rubricMode,
          stepDelimiter,
          structuredOutput,
          concurrency,
          timeoutMs: Math.round(timeoutS * 1000),
          maxRetries,
        },
        {
          ...judgeCacheFrom(v['cache-dir'], v['no-cache'], io.env),
          onFatal: (line) => {
            fatal = line;
            stop.abort();
          },
        },
      );
    } else {
      judge = new BuiltinJudge({ errorRate, seed });
    }
    const now = io.now ?? (() => performance.now());
    const every = io.progressEveryMs ?? 10_000;
    const t0 = now();
    let lastLine = t0;
    let stats;
    try {
      stats = await calibrate(records, judge, {
        process: v.process ?? false,
        concurrency,
        seed,
        judgeOptions: { rubricMode, stepDelimiter, signal: stop.signal },
        onProgress: (p) => {
          const t = now();
          if (t - lastLine < every || p.done === p.total) return;
          lastLine = t;
          io.err(`progress: ${p.done}/${p.total} grades (${p.condition}), ${((t - t0) / 1000).toFixed(0)} s`);
        },
      });
    } catch (e) {
      if (fatal === undefined) throw e;
    }
    if (fatal !== undefined || stats === undefined) {
      io.err(`error: ${fatal ?? 'the judge stopped'}`);
      return 1;
    }
    const agreement = [];
    if (v.steps) {
      for (const condition of CONDITIONS) {
        const steps = stepRecords(records, condition, seed);
        if (steps.length === 0)
          throw new UsageError(
            '--steps needs records with a "worked" field (the reference\'s steps), as --generate makes',
          );
        agreement.push({
          label: `${judge.name}, ${condition}`,
          a: await stepAgreement(steps, judge, { rubricMode, stepDelimiter, signal: stop.signal }),
        });
      }
    }
    if (v.json)
      io.out(
        JSON.stringify(
          { judge: judge.name, records: records.length, stats, ...(v.steps ? { stepAgreement: agreement } : {}) },
          null,
          2,
        ),
      );
    else {
      io.out(
        formatCalibrationTable(stats, `judge: ${judge.name}   records: ${records.length}   rubric: ${rubricMode}`),
      );
      if (v.steps)
        io.out(
          [
            '',
            "Per-step agreement with the verifier (positive: k >= 4; truth: the step is the reference's step at its place):",
            formatStepAgreement(agreement),
          ].join('\n'),
        );
    }
    if (judge instanceof LlmJudge) {
      const s = judge.stats();
      const failed = Object.entries({ ...s.failures, ...s.errors })
        .filter(([k, n]) => n > 0 && k !== 'error')
        .map(([k, n]) => `${k} ${n}`);
      io.err(
        `llm judge: ${s.calls} calls, ${s.cacheHits} cache hits, ${s.retries} retries, ${s.promptTokens + s.completionTokens} tokens, ` +
          `cost ${s.cost.toFixed(4)}; failed grades (left out of the table, never scored): ${failed.length > 0 ? failed.join(', ') : 'none'}`,
      );
    }
    return 0;
  } catch (e) {
    return failureExit(e, io.err);
  }
}

runIfMain(import.meta.url, judgeCli);
