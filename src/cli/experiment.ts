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
import { openingCheck, withJudge } from '../experiment/world-judge';
import { continuesWith, type ExperimentOptions } from '../experiment/options';
import { loadDataset } from '../tasks/dataset-load';
import { taskConfig } from '../tasks/task-config';
import { estimateCost } from '../experiment/estimate';
import { LlmJudge } from '../judge/llm';
import { RESULTS_SCHEMA, checkResultsFile, resultsMarkdown, type ResultsFile } from '../experiment/results';
import { UsageError, runCli } from './args';
import { writeFileAtomic } from './drive';
import { FLAG_NAMES, HELP, OPTION_NAMES, experimentOptions, maxFailureShare } from './experiment/experiment-args';
import { Progress, formatDuration } from './experiment/progress';
import {
  cellDone,
  cellOrder,
  countRemaining,
  runCells,
  saveResults,
  StoppedError,
  type RunnerContext,
} from './experiment/runner';
import { OPENING_FIX, failureSummary, requestsToSend } from './experiment/judge-check';
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
  const d = datasetWorld(load, {
    evalFraction: taskConfig(o.tasks).evalFraction,
    contextLength,
    maxNewTokens,
    arms: o.arms,
  });
  for (const line of d.report) console.log(`dataset: ${line}`);
  return d;
}

async function main(): Promise<void> {
  const strings = Object.fromEntries(OPTION_NAMES.map((k) => [k, { type: 'string' as const }]));
  const flags = Object.fromEntries(FLAG_NAMES.map((k) => [k, { type: 'boolean' as const }]));
  const parsed = parseArgs({ options: { ...strings, ...flags, help: { type: 'boolean' } }, strict: true });
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return void console.log(HELP);
  const { preset, options } = experimentOptions(values);
  const name = (values.name as string | undefined) ?? preset;
  if (!/^[\w.-]+$/.test(name))
    throw new UsageError(`--name must be letters, digits, '.', '-' or '_', got ${JSON.stringify(name)}`);
  const root = join((values.dir as string | undefined) ?? 'runs', name);
  await mkdir(root, { recursive: true });
  const command = `npm run experiment -- ${process.argv.slice(2).join(' ')}`.trim();

  const old = await loadResults(join(root, 'results.json'));
  if (old && !continuesWith(old.options, options)) {
    throw new UsageError(
      `${root} holds an experiment run with other options: give the same options to continue it (more --arms or --seeds may be added), or another --name`,
    );
  }
  const armEntries = options.arms.map((id) => ({
    id,
    label: ARMS[id].label,
    stageI: ARMS[id].stageI,
    why: ARMS[id].why,
  }));
  if (old && (old.arms.length !== options.arms.length || old.options.seeds.length !== options.seeds.length)) {
    // arms or seeds added: the file now describes the whole experiment, and this command regenerates all of it
    Object.assign(old, { options, arms: armEntries, command, complete: false });
  }
  const { device, info } = await acquireGpu();
  const gpu = { device, pipelines: new PipelineCache(device) };
  const log = (line: string) => console.log(line);
  const progress = new Progress(log);
  console.log(`adapter: ${info.adapterName}${info.isFallback ? ' (CPU fallback)' : ''}`);
  console.log(
    `experiment ${name} (preset ${preset}): arms ${options.arms.join(', ')}; seeds ${options.seeds.join(', ')}; results in ${root}/`,
  );
  const now = new Date().toISOString();
  const results: ResultsFile = old ?? {
    schema: RESULTS_SCHEMA,
    name,
    preset,
    command,
    createdAt: now,
    updatedAt: now,
    complete: false,
    wallSeconds: 0,
    adapter: info.adapterName,
    options,
    arms: armEntries,
    cells: [],
  };
  // Every second of this session counts, pre-training and a stop included.
  const started = performance.now(),
    wall0 = results.wallSeconds;
  const clock = () => (results.wallSeconds = wall0 + (performance.now() - started) / 1000);
  const tick = setInterval(clock, 1000);
  let ctx: RunnerContext | undefined;
  let llm: LlmJudge | undefined; // the run's LLM judge, for its closing request count
  try {
    const judge = experimentJudge(options);
    if (judge instanceof LlmJudge) llm = judge;
    const start = await startModel(gpu, options, root, progress);
    const problems = options.dataset ? await datasetProblems(options, start.config.contextLength) : undefined;
    const built = buildWorld(options, start.config.contextLength, problems);
    const world = withJudge(built.world, judge, maxFailureShare(values));
    const facts = built.facts;
    console.log(
      `world: ${facts.train} training and ${facts.eval} held-out problems; response limit ${facts.maxNewTokens} tokens (${problems ? 'a dataset has no worked solutions: --max-new sets it' : `longest correct solution ${facts.longestSolution}`}); ` +
        `context ${facts.contextLength} holds the longest prompt + limit (${facts.longestPrompt + facts.maxNewTokens}), problem + reference (${facts.longestSft}), teacher input (${facts.longestTeacher})`,
    );
    console.log(
      `budget per arm and seed: Stage I ${options.stageI.steps} updates of ${options.stageI.promptsPerStep} prompts x ${options.stageI.groupSize} samples; ` +
        `Stage II ${options.stageII.steps}; evaluation ${Math.min(options.eval.problems, facts.eval)} problems x ${options.eval.n} samples at temperature ${options.eval.temperature}`,
    );
    ctx = { gpu, root, world, start, results, progress, log };
    countRemaining(ctx);
    const j = options.judge;
    const calls = await requestsToSend(world, (arm, stage, seed) => cellDone(results, arm, stage, seed));
    const cost = j.kind === 'llm' ? estimateCost(calls, { in: j.pricePer1kInput, out: j.pricePer1kOutput }) : null;
    console.log(
      `judge: ${
        j.kind === 'builtin'
          ? 'built-in (offline, free)'
          : `${j.model} at ${j.baseUrl}, rubric ${options.rubric ?? 'explicit'}; about ${calls.toLocaleString('en-US')} requests to send ` +
            `(rubrics included; cached answers and finished cells left out)${cost !== null ? `, about ${cost.toFixed(2)} at the given prices (estimate)` : ''}`
      }`,
    );
    if (judge && !results.complete && cellOrder(world).some((c) => !cellDone(results, c.arm, c.stage, c.seed))) {
      await saveResults(ctx);
      await openingCheck(world, OPENING_FIX);
    }
    await runCells(ctx);
  } catch (e) {
    clock();
    if (ctx) await saveResults(ctx);
    else await writeFileAtomic(join(root, 'results.json'), JSON.stringify(results, null, 1)); // stopped before the cells: the time counts
    if (e instanceof StoppedError) {
      console.log(`${e.message} (${formatDuration(results.wallSeconds)} of wall time so far)`);
      process.exit(130);
    }
    throw e;
  } finally {
    clearInterval(tick);
  }
  clock();
  await saveResults(ctx as RunnerContext);
  console.log(
    `\ndone in ${formatDuration((performance.now() - started) / 1000)} (this session; ${formatDuration(results.wallSeconds)} in all)\n`,
  );
  console.log(resultsMarkdown(results));
  console.log(storySummary(results));
  if (llm) {
    const s = llm.stats();
    // a grade whose exact request was answered before (a repeated response) comes from the cache
    console.log(`judge: ${s.calls} requests sent, ${s.cacheHits} answered from the cache`);
  }
  const failed = failureSummary(results);
  if (failed) console.log(failed);
}

void runCli(main);
