// Command-line options of `npm run experiment`: a preset, then any of its fields overridden by name.
// Every value is checked and a bad one refused with the option's name (exit 2); the result is a
// complete ExperimentOptions.

import { ARM_IDS, type ArmId } from '../../experiment/arms';
import type { ExperimentOptions } from '../../experiment/options';
import { PRESETS, PRESET_NAMES } from '../../experiment/presets';
import { taskConfig, type TaskConfig } from '../../tasks/task-config';
import { UsageError, choiceArg, floatArg, intArg } from '../args';
import { DEFAULT_MAX_FAILURE_SHARE } from '../../run/grade-failures';

/** The options of an LLM judge: they go with --judge llm only. */
const LLM_JUDGE_OPTIONS = [
  'base-url',
  'model',
  'api-key-env',
  'concurrency',
  'timeout',
  'price-in',
  'price-out',
  'cache-dir',
] as const;

export const OPTION_NAMES = [
  'preset',
  'name',
  'dir',
  'arms',
  'seeds',
  'checkpoint',
  'tasks',
  'dataset',
  'stage1-steps',
  'stage2-steps',
  'prompts',
  'group',
  'lr',
  'stage2-lr',
  'sft-lr',
  'beta',
  'temperature',
  'max-new',
  'eval-problems',
  'eval-n',
  'eval-k',
  'eval-temperature',
  'eval-batch',
  'judge',
  ...LLM_JUDGE_OPTIONS,
  'rubric',
  'max-failure-share',
] as const;
/** The options that take no value. */
export const FLAG_NAMES = ['log-dense', 'no-log-dense'] as const;

export const HELP = `usage: npm run experiment -- --preset NAME [options]
  --preset NAME        ${PRESET_NAMES.join(', ')} (default demo)
  --name NAME          results folder under --dir (default: the preset's name)
  --dir DIR            where experiments live (default runs)
  --arms A,B,...       arms to run (${ARM_IDS.join(', ')})
  --seeds 1,2,3        seeds (each: its own prompt order, sampling and evaluation draws)
  --checkpoint FILE    the pre-trained start model (default: the shipped one)
  --tasks JSON         task world overrides, e.g. '{"hardSteps":[4,5]}' (src/tasks/task-config.ts)
  --dataset FILE       a JSONL dataset (see npm run dataset) whose problems replace the generated ones
  --stage1-steps N     Stage I policy updates per arm        --stage2-steps N  Stage II updates (0: none)
  --prompts N          prompts per step (P)                  --group N         samples per prompt (G)
  --lr X               Stage I RL learning rate              --stage2-lr X     Stage II learning rate
  --sft-lr X           the SFT arm's learning rate           --beta X          KL-loss coefficient
  --temperature X      sampling temperature in training      --max-new N       response limit (0: longest solution + 8)
  --eval-problems N    held-out problems evaluated           --eval-n N        samples per problem
  --eval-k N           pass@k                                --eval-temperature X  (default 0.8)
  --eval-batch N       problems sampled together
  --judge builtin|llm  the judge (default builtin)
  --base-url URL --model NAME --api-key-env VAR (default OPENAI_API_KEY) --concurrency N --timeout S
  --price-in X --price-out X   prices per 1000 prompt / completion tokens, for the cost estimate
  --cache-dir DIR      on-disk judge cache (default ~/.cache/exprl-playground/judge)
  --rubric explicit|implicit   checkpoints built once per problem and handed to every grade (default),
                       or extracted by the judge inside each grading call
  --max-failure-share X  a step (or evaluation batch) with more failed grades than this share stops
                       the run, its cell left to resume (default 0.5; a step whose grades all fail always stops it)
  --log-dense          grade every response with the judge (whole response, true reference) for the dense-reward
                       curve rl/dense_reward: ExpRL-Outcome's Stage I has it from its own grades, every other arm and
                       every Stage II needs this option. Default: on with the built-in judge, off with --judge llm
  --no-log-dense       turn it off, with the built-in judge too
Running the same command again continues a stopped experiment from its last checkpoints; the same
options with more --arms or --seeds add those cells to it (its finished cells are kept).`;

function list(name: string, raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`--${name} must list at least one value, got ${JSON.stringify(raw)}`);
  return items;
}

export function experimentOptions(v: Record<string, string | boolean | undefined>): {
  preset: string;
  options: ExperimentOptions;
} {
  const s = (k: string) => v[k] as string | undefined;
  const preset = choiceArg('preset', s('preset'), 'demo', PRESET_NAMES);
  const base = structuredClone(PRESETS[preset]);
  const arms = list('arms', s('arms'))?.map((a) => choiceArg('arms', a, 'base', ARM_IDS) as ArmId);
  const seeds = list('seeds', s('seeds'))?.map((x) => intArg('seeds', x, 1, 0, 2 ** 31 - 1));
  if (seeds && new Set(seeds).size !== seeds.length)
    throw new UsageError(`--seeds must not repeat a seed, got ${s('seeds')}`);
  let tasks: Partial<TaskConfig> = base.tasks;
  if (s('tasks') !== undefined) {
    try {
      tasks = { ...base.tasks, ...(JSON.parse(s('tasks') as string) as Partial<TaskConfig>) };
      taskConfig(tasks);
    } catch (e) {
      throw new UsageError(`--tasks: ${(e as Error).message}`);
    }
  }
  const o: ExperimentOptions = {
    ...base,
    arms: arms ?? base.arms,
    seeds: seeds ?? base.seeds,
    start: s('checkpoint') !== undefined ? { kind: 'checkpoint', path: s('checkpoint') as string } : base.start,
    tasks,
    ...(s('dataset') !== undefined ? { dataset: s('dataset') } : {}),
    stageI: {
      steps: intArg('stage1-steps', s('stage1-steps'), base.stageI.steps, 1, 1e6),
      promptsPerStep: intArg('prompts', s('prompts'), base.stageI.promptsPerStep, 1, 1024),
      groupSize: intArg('group', s('group'), base.stageI.groupSize, 2, 256),
      lr: floatArg('lr', s('lr'), base.stageI.lr, 1e-9, 1),
    },
    stageII: {
      steps: intArg('stage2-steps', s('stage2-steps'), base.stageII.steps, 0, 1e6),
      promptsPerStep: intArg('prompts', s('prompts'), base.stageII.promptsPerStep, 1, 1024),
      groupSize: intArg('group', s('group'), base.stageII.groupSize, 2, 256),
      lr: floatArg('stage2-lr', s('stage2-lr'), base.stageII.lr, 1e-9, 1),
    },
    sftLr: floatArg('sft-lr', s('sft-lr'), base.sftLr, 1e-9, 1),
    rl: {
      ...base.rl,
      beta: floatArg('beta', s('beta'), base.rl.beta ?? 0.001, 0, 10),
      temperature: floatArg('temperature', s('temperature'), base.rl.temperature ?? 1, 0, 10),
    },
    maxNewTokens: intArg('max-new', s('max-new'), base.maxNewTokens, 0, 4096),
    eval: {
      ...base.eval,
      problems: intArg('eval-problems', s('eval-problems'), base.eval.problems, 1, 1e5),
      n: intArg('eval-n', s('eval-n'), base.eval.n, 1, 1024),
      temperature: floatArg('eval-temperature', s('eval-temperature'), base.eval.temperature, 0, 10),
      problemsPerStep: intArg('eval-batch', s('eval-batch'), base.eval.problemsPerStep, 1, 1024),
      k: 0,
    },
    logDense: v['no-log-dense'] === true ? false : base.logDense,
  };
  if (choiceArg('rubric', s('rubric'), 'explicit', ['explicit', 'implicit'] as const) === 'implicit')
    o.rubric = 'implicit';
  o.eval.k = intArg('eval-k', s('eval-k'), Math.min(base.eval.k, o.eval.n), 1, o.eval.n);
  if (o.stageI.promptsPerStep * o.stageI.groupSize > 4096)
    throw new UsageError('--prompts x --group must be at most 4096 samples per step');
  const judge = choiceArg('judge', s('judge'), base.judge.kind, ['builtin', 'llm'] as const);
  if (judge === 'llm') {
    const url = s('base-url'),
      model = s('model');
    if (!url || !/^https?:\/\/\S+$/.test(url))
      throw new UsageError(`--base-url must be an http(s) URL ending in /v1, got ${JSON.stringify(url ?? '')}`);
    if (!model || model.trim() === '')
      throw new UsageError(`--model must name a model, got ${JSON.stringify(model ?? '')}`);
    o.judge = {
      kind: 'llm',
      baseUrl: url,
      model,
      apiKeyEnv: s('api-key-env') ?? 'OPENAI_API_KEY',
      concurrency: intArg('concurrency', s('concurrency'), 8, 1, 16),
      timeoutS: floatArg('timeout', s('timeout'), 60, 0.1, 3600),
      pricePer1kInput: floatArg('price-in', s('price-in'), 0, 0, 1000),
      pricePer1kOutput: floatArg('price-out', s('price-out'), 0, 0, 1000),
      cacheDir: s('cache-dir'),
    };
    if (v['log-dense'] === undefined && v['no-log-dense'] === undefined) o.logDense = false; // an LLM judge's calls cost: only when asked
  } else {
    for (const k of LLM_JUDGE_OPTIONS) {
      if (s(k) !== undefined) throw new UsageError(`--${k} goes with --judge llm`);
    }
    o.judge = { kind: 'builtin' };
  }
  return { preset, options: o };
}

/** --max-failure-share: how many failed grades a step may have before the run stops (not an option of the results). */
export function maxFailureShare(v: Record<string, string | boolean | undefined>): number {
  return floatArg('max-failure-share', v['max-failure-share'] as string | undefined, DEFAULT_MAX_FAILURE_SHARE, 0, 1);
}
