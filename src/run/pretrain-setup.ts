// The setup of a page pre-training run: its type as stored (RunRecord.config), the defaults, and the
// checks shared by the page's form (messages next to each field) and the worker (which refuses a bad
// setup even if a caller skips the form). Plain, GPU-free data and pure functions, no DOM. Model shape
// limits come from the engine's validateModelConfig; corpora from corpus.ts.

import { MODEL_PRESETS, validateModelConfig } from '../model/config';
import { DEFAULT_PRETRAIN, type PretrainOptions } from '../model/trainer-api';
import type { RunRecord } from '../store/records';
import {
  CORPORA,
  DEFAULT_TASK_CORPUS,
  longestExampleTokens,
  seqLengthFor,
  taskSpecError,
  type CorpusChoice,
  type CorpusId,
  type TaskCorpusSpec,
} from './corpus';

/** Everything the page chooses before a pre-training run; stored (as plain JSON) in RunRecord.config. */
export interface PretrainSetup {
  name: string;
  preset: string; // key of MODEL_PRESETS
  corpus: CorpusId; // 'builtin-facts' (the engine's arithmetic facts) or 'task-primitives' (corpus.ts)
  tasks?: TaskCorpusSpec; // which task families, when corpus is 'task-primitives'
  pretrain: PretrainOptions; // model config + optimiser settings, exactly what the engine takes
  sampleEvery: number; // steps between greedy/sampled generations (0 = never)
  checkpointEvery: number; // steps between 'latest' checkpoints; every 5th one is also kept as 'periodic'
}

/** How often a 'latest' checkpoint is also kept as a 'periodic' one. */
export const PERIODIC_EVERY_N_CHECKPOINTS = 5;

/** The form of RunRecord.config for pre-training runs; tolerant of older or foreign records (runs made
 *  before the corpus choice existed trained on the built-in facts). */
export function setupOf(run: RunRecord): PretrainSetup | undefined {
  const c = run.config as Partial<PretrainSetup>;
  if (!c || typeof c !== 'object' || !c.pretrain || typeof c.pretrain !== 'object' || !c.pretrain.model)
    return undefined;
  return { ...(c as PretrainSetup), corpus: c.corpus ?? 'builtin-facts' };
}

export type SetupField =
  'name' | 'corpus' | 'families' | 'preset' | 'steps' | 'batchSize' | 'lr' | 'seed' | 'sampleEvery' | 'checkpointEvery';

/** Accepted ranges, inclusive unless noted; the engine's own checks (validatePretrainOptions) are no looser. */
export const LIMITS = {
  steps: [1, 100_000],
  batchSize: [1, 256],
  lr: [0, 1], // exclusive at both ends
  seed: [0, 2 ** 31 - 1],
  sampleEvery: [0, 100_000],
  checkpointEvery: [1, 100_000],
} as const satisfies Partial<Record<SetupField, readonly [number, number]>>;

/** Warm-up is DEFAULT_PRETRAIN's, but never more than a tenth of a short run. */
export function warmupFor(steps: number): number {
  return Math.max(0, Math.min(DEFAULT_PRETRAIN.warmupSteps, Math.ceil(steps / 10)));
}

/** The corpus part of a setup: the task spec only for the task corpus (defaults for missing fields). */
export function corpusChoice(corpus: CorpusId, tasks?: Partial<CorpusChoice['tasks']>): CorpusChoice {
  return corpus === 'task-primitives' ? { corpus, tasks: { ...DEFAULT_TASK_CORPUS, ...tasks } } : { corpus };
}

/** The longest document of a corpus in tokens: 'build' builds the corpus here (the worker, the tests);
 *  the page passes what the worker measured, or undefined while it does not know yet. */
export type Longest = number | 'build' | undefined;

/** A complete setup for a preset and corpus, with the engine's default optimiser settings. */
export function defaultSetup(
  preset = 'tiny',
  choice: CorpusChoice = { corpus: 'builtin-facts' },
  longest: Longest = 'build',
): PretrainSetup {
  const model = MODEL_PRESETS[preset] ?? MODEL_PRESETS.tiny;
  const steps = preset === 'tiny' ? 200 : DEFAULT_PRETRAIN.steps;
  const corpus = corpusChoice(choice.corpus, choice.tasks);
  // The sequence holds the longest document whole; a corpus that cannot be built keeps the engine's
  // default length (setupErrors then says what is wrong with it).
  let seqLength = Math.min(DEFAULT_PRETRAIN.seqLength, model.contextLength);
  if (typeof longest === 'number') seqLength = Math.min(model.contextLength, Math.max(seqLength, longest));
  else if (longest === 'build' && buildable(corpus)) seqLength = seqLengthFor(corpus, seqLength, model.contextLength);
  return {
    name: '',
    preset,
    ...corpus,
    pretrain: { ...DEFAULT_PRETRAIN, model: { ...model }, steps, warmupSteps: warmupFor(steps), seqLength },
    sampleEvery: 25,
    checkpointEvery: 25,
  };
}

function buildable(c: CorpusChoice): boolean {
  return CORPORA.some((x) => x.id === c.corpus) && (c.corpus !== 'task-primitives' || !taskSpecError(c.tasks));
}

/** Adds the corpus problems of a setup to `errors`: unknown corpus, bad task spec, documents too long. */
function corpusErrors(s: PretrainSetup, errors: Partial<Record<SetupField, string>>, known: Longest): void {
  const info = CORPORA.find((c) => c.id === s.corpus);
  if (!info) {
    errors.corpus = `Unknown corpus "${String(s.corpus)}" (known: ${CORPORA.map((c) => c.id).join(', ')})`;
    return;
  }
  if (s.corpus === 'task-primitives') {
    const why = taskSpecError(s.tasks);
    if (why) {
      errors.families = why;
      return;
    }
  }
  if (known === undefined) return; // not measured yet: the worker checks it again at the start
  const T = s.pretrain.seqLength;
  const longest = known === 'build' ? longestExampleTokens(s) : known;
  if (Number.isInteger(T) && longest > T) {
    errors.corpus =
      `The longest document of this corpus is ${longest} tokens with its start and end markers, more than the ` +
      `${T}-token training sequence, so the model would never see it whole: choose fewer or shorter task families, ` +
      `or a model with a longer context (${s.pretrain.model.contextLength} now)`;
  }
}

/** Field -> message for every value the worker would refuse; an empty object means valid. */
export function setupErrors(s: PretrainSetup, longest: Longest = 'build'): Partial<Record<SetupField, string>> {
  const errors: Partial<Record<SetupField, string>> = {};
  const p = s.pretrain;
  const intIn = (field: keyof typeof LIMITS, v: number, what: string) => {
    const [lo, hi] = LIMITS[field];
    if (!Number.isInteger(v) || v < lo || v > hi)
      errors[field] = `${what} must be a whole number from ${lo} to ${hi.toLocaleString('en-US')}`;
  };
  if (s.name.length > 80) errors.name = 'Name must be at most 80 characters';
  corpusErrors(s, errors, longest);
  if (!(s.preset in MODEL_PRESETS)) errors.preset = `Unknown model size "${s.preset}"`;
  else {
    try {
      validateModelConfig(p.model);
    } catch (e) {
      errors.preset = (e as Error).message;
    }
  }
  intIn('steps', p.steps, 'Steps');
  intIn('batchSize', p.batchSize, 'Batch size');
  intIn('seed', p.seed, 'Seed');
  intIn('sampleEvery', s.sampleEvery, 'Generations interval');
  intIn('checkpointEvery', s.checkpointEvery, 'Checkpoint interval');
  const [lrLo, lrHi] = LIMITS.lr;
  if (!Number.isFinite(p.lr) || p.lr <= lrLo || p.lr >= lrHi)
    errors.lr = `Learning rate must be above ${lrLo} and below ${lrHi}, e.g. 0.003`;
  if (!Number.isInteger(p.seqLength) || p.seqLength < 2 || p.seqLength > p.model.contextLength) {
    errors.preset = `Sequence length ${p.seqLength} must be from 2 to the model's context length ${p.model.contextLength}`;
  }
  if (!Number.isInteger(p.warmupSteps) || p.warmupSteps < 0) errors.steps = 'Warm-up steps must be a whole number >= 0';
  return errors;
}

/** Throws one Error listing every problem (the worker's guard). */
export function assertSetup(s: PretrainSetup): void {
  const errors = Object.entries(setupErrors(s));
  if (errors.length > 0) throw new Error('invalid run setup: ' + errors.map(([k, m]) => `${k}: ${m}`).join('; '));
}

/** A readable default name: preset, corpus (when not the built-in facts), steps and seed. */
export function autoName(s: PretrainSetup): string {
  const corpus = s.corpus === 'task-primitives' ? ` · tasks (${s.tasks?.families.join(', ')})` : '';
  return `${s.preset}${corpus} · ${s.pretrain.steps} steps · seed ${s.pretrain.seed}`;
}
