// `npm run experiment -- --preset NAME [options]`: the paper's comparison from a terminal. Every arm
// of every seed runs Stage I, an evaluation, Stage II and another evaluation as jobs under the shared
// lifecycle; results go to runs/<name>/results.json (+ results.md, curves.csv) as cells finish, and
// running the same command again continues where a stopped run left off.

import { parseArgs } from 'node:util';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireGpu } from '../gpu/device';
import { PipelineCache } from '../gpu/pipelines';
import { ARMS } from '../experiment/arms';
import { buildWorld, DATASET_RESPONSE_TOKENS } from '../experiment/world';
import { datasetWorld } from '../experiment/dataset-world';
import type { ExperimentOptions } from '../experiment/options';
import { loadDataset } from '../tasks/dataset-load';
import { taskConfig } from '../tasks/config';
import { estimateJudgeCalls } from '../experiment/estimate';
import { RESULTS_SCHEMA, checkResultsFile, resultsMarkdown, type ResultsFile } from '../experiment/results';
import { UsageError, runCli } from './args';
import { HELP, OPTION_NAMES, experimentOptions } from './experiment/args';
import { Progress, formatDuration } from './experiment/progress';
import { countRemaining, runCells, saveResults, StoppedError, type RunnerContext } from './experiment/runner';
import { experimentJudge, startModel } from './experiment/start';
import { storySummary } from './experiment/summary';

async function loadResults(path: string): Promise<ResultsFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  return checkResultsFile(JSON.parse(text));
}

/** The problems of --dataset, with what was usable and why the rest was not. */
async function datasetProblems(o: ExperimentOptions, contextLength: number) {
  const path = o.dataset as string;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new UsageError(`cannot read dataset ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const maxNewTokens = o.maxNewTokens > 0 ? o.maxNewTokens : DATASET_RESPONSE_TOKENS;
  const load = loadDataset(bytes, path, { contextLength, responseTokens: maxNewTokens });
  const d = datasetWorld(load, { evalFraction: taskConfig(o.tasks).evalFraction, contextLength, maxNewTokens, arms: o.arms });
  for (const line of d.report) console.log(`dataset: ${line}`);
  return d;
}

async function main(): Promise<void> {
  const strings = Object.fromEntries(OPTION_NAMES.map((k) => [k, { type: 'string' as const }]));
  const parsed = parseArgs({ options: { ...strings, help: { type: 'boolean' }, 'no-log-dense': { type: 'boolean' }, 'log-dense': { type: 'boolean' } }, strict: true });
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return void console.log(HELP);
  const { preset, options } = experimentOptions(values);
  const name = (values.name as string | undefined) ?? preset;
  if (!/^[\w.-]+$/.test(name)) throw new UsageError(`--name must be letters, digits, '.', '-' or '_', got ${JSON.stringify(name)}`);
  const root = join((values.dir as string | undefined) ?? 'runs', name);
  await mkdir(root, { recursive: true });
  const command = `npm run experiment -- ${process.argv.slice(2).join(' ')}`.trim();

  const old = await loadResults(join(root, 'results.json'));
  if (old && JSON.stringify(old.options) !== JSON.stringify(options)) {
    throw new UsageError(`${root} holds an experiment run with other options: give the same options to continue it, or another --name`);
  }
  const { device, info } = await acquireGpu();
  const gpu = { device, pipelines: new PipelineCache(device) };
  const log = (line: string) => console.log(line);
  const progress = new Progress(log);
  console.log(`adapter: ${info.adapterName}${info.isFallback ? ' (CPU fallback)' : ''}`);
  console.log(`experiment ${name} (preset ${preset}): arms ${options.arms.join(', ')}; seeds ${options.seeds.join(', ')}; results in ${root}/`);
  const started = performance.now();
  let fatal: string | undefined;
  const judge = experimentJudge(options, (line) => (fatal = line));
  const start = await startModel(gpu, options, root, progress);
  const problems = options.dataset ? await datasetProblems(options, start.config.contextLength) : undefined;
  const { world, facts } = buildWorld(options, start.config.contextLength, judge, problems);
  console.log(`world: ${facts.train} training and ${facts.eval} held-out problems; response limit ${facts.maxNewTokens} tokens (${problems ? 'a dataset has no worked solutions: --max-new sets it' : `longest correct solution ${facts.longestSolution}`}); ` +
    `context ${facts.contextLength} holds the longest prompt + limit (${facts.longestPrompt + facts.maxNewTokens}), problem + reference (${facts.longestSft}), teacher input (${facts.longestTeacher})`);
  console.log(`budget per arm and seed: Stage I ${options.stageI.steps} updates of ${options.stageI.promptsPerStep} prompts x ${options.stageI.groupSize} samples; ` +
    `Stage II ${options.stageII.steps}; evaluation ${Math.min(options.eval.problems, facts.eval)} problems x ${options.eval.n} samples at temperature ${options.eval.temperature}`);
  const j = options.judge;
  const est = estimateJudgeCalls(world, j.kind === 'llm' ? { in: j.pricePer1kInput, out: j.pricePer1kOutput } : undefined);
  console.log(`judge: ${j.kind === 'builtin' ? 'built-in (offline, free)' : `${j.model} at ${j.baseUrl}`}; about ${est.calls.toLocaleString('en-US')} grading calls` +
    `${est.cost !== null ? `, about ${est.cost.toFixed(2)} at the given prices (estimate)` : ''}`);

  const now = new Date().toISOString();
  const results: ResultsFile = old ?? {
    schema: RESULTS_SCHEMA, name, preset, command, createdAt: now, updatedAt: now, complete: false, wallSeconds: 0, adapter: info.adapterName,
    options, arms: options.arms.map((id) => ({ id, label: ARMS[id].label, stageI: ARMS[id].stageI, why: ARMS[id].why })), cells: [],
  };
  const wall0 = results.wallSeconds;
  const ctx: RunnerContext = { gpu, root, world, start, results, progress, log };
  countRemaining(ctx);
  const tick = setInterval(() => (results.wallSeconds = wall0 + (performance.now() - started) / 1000), 1000);
  try {
    await runCells(ctx);
  } catch (e) {
    results.wallSeconds = wall0 + (performance.now() - started) / 1000;
    await saveResults(ctx);
    if (fatal) throw new Error(fatal);
    if (e instanceof StoppedError) {
      console.log(e.message);
      process.exit(130);
    }
    throw e;
  } finally {
    clearInterval(tick);
  }
  results.wallSeconds = wall0 + (performance.now() - started) / 1000;
  await saveResults(ctx);
  console.log(`\ndone in ${formatDuration((performance.now() - started) / 1000)} (this session; ${formatDuration(results.wallSeconds)} in all)\n`);
  console.log(resultsMarkdown(results));
  console.log(storySummary(results));
}

void runCli(main);
