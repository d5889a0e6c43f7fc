// `npm run rescore -- --run FILE`: grades the stored steps of a page RL run again with another
// judge setting (the built-in judge without the reference, with a wrong one, with random grades, or an
// OpenAI-compatible endpoint) and prints, per step, the mean reward before and after and how the
// advantages would differ (tokens pushed the other way or not at all, mean |change|, responses whose
// summed push reverses). FILE is a run exported from the page's library (.exprlrun) or a demo replay
// (.json). LLM grades are cached on disk (--cache-dir), so a second re-score sends nothing again.
// Exit 1 on a failure, 2 on bad options.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { armScoring } from '../experiment/arm-scoring';
import { BuiltinJudge } from '../judge/builtin';
import { LlmJudge } from '../judge/llm';
import { DEFAULT_LLM_JUDGE_CONFIG, MAX_LLM_CONCURRENCY } from '../judge/llm-config';
import type { Judge } from '../judge/types';
import type { AdvantageMode } from '../rl/advantages';
import { WHAT_IF_MODES } from '../rl/what-if-advantages';
import type { TraceSet } from '../run/previews';
import { compareStep, rescoreSet, type StepComparison } from '../run/rescoring';
import { judgeProblem } from '../run/scorers';
import type { PreviewRecord, RunRecord } from '../store/records';
import { RUN_FILE_MAGIC, decodeRunFile } from '../store/run-file';
import type { PageJudge } from '../worker/api';
import { rlSetupOf, rubricOf } from '../worker/rl-setup';
import { judgeLabel, trainedJudge } from '../worker/trained-judge';
import { UsageError, choiceArg, failureExit, floatArg, intArg, runIfMain } from './args';
import { apiKeyFrom, judgeCacheFrom } from './llm-judge-args';

export const RESCORE_USAGE = `usage: npm run rescore -- --run FILE [options]

  --run FILE          a run exported from the page's library (.exprlrun) or a demo replay (.json)
  --step N            only this stored step (default: every step the run keeps)
  --reference MODE    the built-in judge's reference: given, none or wrong (another problem's)
  --error-rate R      the built-in judge's share of grades replaced at random, 0..1
                      (neither of these nor --judge llm: the judge the run trained with)
  --judge llm         an OpenAI-compatible judge instead, with --base-url URL and --model NAME
  --api-key-env VAR   llm: environment variable holding the API key (default OPENAI_API_KEY when set)
  --concurrency N     llm: requests in flight (default ${DEFAULT_LLM_JUDGE_CONFIG.concurrency}; 1..${MAX_LLM_CONCURRENCY})
  --timeout S         llm: seconds one request may take (default ${DEFAULT_LLM_JUDGE_CONFIG.timeoutMs / 1000})
  --cache-dir DIR     llm: where grades are cached (default $XDG_CACHE_HOME or ~/.cache, then
                      exprl-playground/judge); --no-cache: neither read nor write it
  --rubric MODE       explicit or implicit (default: the run's)
  --mode MODE         the advantages compared: ${WHAT_IF_MODES.join(', ')} (default: the arm's own)
  --json              print the numbers as JSON
  --help              this text`;

export interface RescoreCliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  readFile: (path: string) => Uint8Array;
  env: Record<string, string | undefined>;
}

const nodeIo: RescoreCliIo = {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
  readFile: (p) => readFileSync(p),
  env: process.env,
};

/** The runs of a file: one from a run file, every one of a replay. */
export function runsOfFile(
  bytes: Uint8Array,
): { run: RunRecord; previews: Pick<PreviewRecord, 'kind' | 'step' | 'data'>[] }[] {
  if (new TextDecoder().decode(bytes.slice(0, RUN_FILE_MAGIC.length)) === RUN_FILE_MAGIC) {
    const f = decodeRunFile(bytes);
    return [{ run: f.run, previews: f.previews ?? [] }];
  }
  let parsed: { runs?: unknown };
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes)) as { runs?: unknown };
  } catch {
    throw new UsageError('--run: neither a run file (.exprlrun) nor a replay (JSON)');
  }
  if (!Array.isArray(parsed.runs)) throw new UsageError('--run: a JSON file without "runs" is not a replay');
  return parsed.runs as ReturnType<typeof runsOfFile>;
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      run: { type: 'string' },
      step: { type: 'string' },
      reference: { type: 'string' },
      'error-rate': { type: 'string' },
      judge: { type: 'string' },
      'base-url': { type: 'string' },
      model: { type: 'string' },
      'api-key-env': { type: 'string' },
      concurrency: { type: 'string' },
      timeout: { type: 'string' },
      'cache-dir': { type: 'string' },
      'no-cache': { type: 'boolean' },
      rubric: { type: 'string' },
      mode: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  return values;
}

type Options = ReturnType<typeof parse>;

/** The judge setting the options ask for; undefined: the one the run trained with. */
function chosenJudge(v: Options): PageJudge | undefined {
  const rubric =
    v.rubric === undefined ? undefined : choiceArg('rubric', v.rubric, 'explicit', ['explicit', 'implicit'] as const);
  if (v.judge !== undefined) {
    choiceArg('judge', v.judge, 'llm', ['llm'] as const);
    if (v.reference !== undefined || v['error-rate'] !== undefined)
      throw new UsageError('--reference and --error-rate are knobs of the built-in judge, not of --judge llm');
    if (!v['base-url'] || !v.model?.trim()) throw new UsageError('--judge llm needs --base-url and --model');
    return {
      kind: 'llm',
      baseUrl: v['base-url'],
      model: v.model.trim(),
      concurrency: intArg('concurrency', v.concurrency, DEFAULT_LLM_JUDGE_CONFIG.concurrency, 1, MAX_LLM_CONCURRENCY),
      timeoutS: floatArg('timeout', v.timeout, DEFAULT_LLM_JUDGE_CONFIG.timeoutMs / 1000, 0.1, 3600),
      pricePer1kInput: 0,
      pricePer1kOutput: 0,
      ...(rubric ? { rubric } : {}),
    };
  }
  const llmOnly = (
    ['base-url', 'model', 'api-key-env', 'concurrency', 'timeout', 'cache-dir', 'no-cache'] as const
  ).filter((k) => v[k] !== undefined);
  if (llmOnly.length > 0)
    throw new UsageError(`${llmOnly.map((k) => `--${k}`).join(' and ')} go with --judge llm only`);
  if (v.reference === undefined && v['error-rate'] === undefined) return undefined;
  return {
    kind: 'builtin',
    referenceMode: choiceArg('reference', v.reference, 'given', ['given', 'none', 'wrong'] as const),
    errorRate: floatArg('error-rate', v['error-rate'], 0, 0, 1),
    ...(rubric ? { rubric } : {}),
  };
}

/** A judge of a page judge setting, for a run of `seed` whose world's problems are `pool`. */
function judgeOf(
  j: PageJudge,
  seed: number,
  pool: Parameters<typeof judgeProblem>[0][],
  v: Options,
  io: RescoreCliIo,
): Judge {
  if (j.kind === 'builtin')
    return new BuiltinJudge({
      referenceMode: j.referenceMode,
      errorRate: j.errorRate,
      seed,
      pool: j.referenceMode === 'wrong' ? pool.map(judgeProblem) : [],
    });
  return new LlmJudge(
    {
      baseUrl: j.baseUrl,
      model: j.model,
      apiKey: apiKeyFrom(v['api-key-env'], io.env),
      concurrency: j.concurrency,
      timeoutMs: Math.round(j.timeoutS * 1000),
      rubricMode: rubricOf(j),
    },
    judgeCacheFrom(v['cache-dir'], v['no-cache'], io.env),
  );
}

const pct = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(1)}%` : '-');
const fixed = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '-');

function table(rows: StepComparison[]): string {
  const head = [
    'step',
    'responses',
    'reward',
    're-scored',
    'tokens',
    'flipped',
    'silenced',
    'awakened',
    'mean |dA|',
    'reversed',
  ];
  const body = rows.map((r) => [
    String(r.step),
    String(r.responses),
    fixed(r.reward),
    fixed(r.rescored),
    String(r.diff.tokens),
    pct(r.diff.signFlips, r.diff.tokens),
    pct(r.diff.silenced, r.diff.tokens),
    pct(r.diff.awakened, r.diff.tokens),
    fixed(r.diff.meanAbs),
    String(r.diff.responsesReversed),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [head, ...body].map((cells) => cells.map((c, i) => c.padStart(widths[i])).join('  ')).join('\n');
}

export async function rescoreCli(argv: string[], io: RescoreCliIo = nodeIo): Promise<number> {
  try {
    const v = parse(argv);
    if (v.help) {
      io.out(RESCORE_USAGE);
      return 0;
    }
    if (!v.run) throw new UsageError('--run FILE is required');
    const only = v.step === undefined ? undefined : intArg('step', v.step, 1, 1, 1_000_000);
    const mode =
      v.mode === undefined ? undefined : choiceArg<AdvantageMode>('mode', v.mode, 'delta-norm', WHAT_IF_MODES);
    const chosen = chosenJudge(v);
    let bytes: Uint8Array;
    try {
      bytes = io.readFile(v.run);
    } catch (e) {
      throw new UsageError(`cannot read --run ${v.run}: ${(e as Error).message}`);
    }
    const report = [];
    for (const { run, previews } of runsOfFile(bytes)) {
      const setup = rlSetupOf(run);
      const sets = previews
        .filter((p) => p.kind === 'traces' && (only === undefined || p.step === only))
        .map((p) => p.data as TraceSet);
      if (!setup || sets.length === 0) {
        io.err(
          `${run.name}: ${setup ? `keeps no samples${only ? ` of step ${only}` : ''}` : 'not an RL run'}, skipped`,
        );
        continue;
      }
      const scoring = armScoring(setup.options, setup.arm, setup.stage, setup.seed);
      const pageJudge = chosen ?? trainedJudge(setup);
      const judge = judgeOf(pageJudge, setup.seed, scoring.pool, v, io);
      const m = mode ?? scoring.cfg.advantage;
      if (m === 'opsd')
        throw new UsageError(`${run.name} is a self-distillation run: choose the advantages with --mode`);
      const steps: StepComparison[] = [];
      for (const set of sets) {
        const rescored = await rescoreSet(set, scoring.problems, judge, rubricOf(pageJudge));
        steps.push(compareStep(set, rescored, m, scoring.cfg));
      }
      report.push({ run: run.name, arm: setup.arm, judge: judgeLabel(pageJudge), mode: m, steps });
      if (!v.json) {
        io.out(`${run.name} (${setup.arm}): re-scored by the ${judgeLabel(pageJudge)}, ${m} advantages`);
        io.out(table(steps));
        io.out('');
      }
      if (judge instanceof LlmJudge) {
        const s = judge.stats();
        io.err(`llm judge: ${s.calls} calls, ${s.cacheHits} cache hits, ${s.retries} retries`);
        if (judge.fatal) throw new Error(judge.fatal);
      }
    }
    if (report.length === 0) throw new UsageError(`${v.run} holds no stored RL steps to re-score`);
    if (v.json) io.out(JSON.stringify(report, null, 2));
    else
      io.out(
        'reward: mean of the score the advantages use, as stored and re-scored; flipped: tokens the loss would push the ' +
          'other way; silenced: pushed before, not now; awakened: not pushed before (a dead zone), pushed now; reversed: ' +
          'responses whose summed advantage changes sign.',
      );
    return 0;
  } catch (e) {
    return failureExit(e, io.err);
  }
}

runIfMain(import.meta.url, rescoreCli);
