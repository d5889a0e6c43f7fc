// The pre-training corpora a run can choose: the engine's built-in arithmetic facts, or the primitive
// skills (1-2 step problems) of the task families in the policy's own "Q: … ### … A: …" format. Also
// how long their examples are, so a run's sequence length holds its longest example whole. Pure and
// deterministic (same choice, same texts); the texts are built once per choice and kept. Also the
// prompts of the live generations, cut from the documents where the model's own work begins.

import { builtinCorpus } from '../tasks/facts';
import { DEFAULT_TASK_CONFIG } from '../tasks/task-config';
import { FAMILY_NAMES, TASK_FAMILIES } from '../tasks/families';
import type { FamilyName } from '../tasks/problem';
import { pretrainCorpus } from '../tasks/splits';

export type CorpusId = 'builtin-facts' | 'task-primitives';

/** Which task families' primitives, how many documents, and the task generator's seed. */
export interface TaskCorpusSpec {
  families: FamilyName[]; // at least one; the RL stage later draws its hard problems from the same families
  count: number; // documents in the corpus (TaskConfig.nPrimitives)
  seed: number; // the task generator's seed (TaskConfig.seed), apart from the run's own seed
}

/** The corpus part of a run setup. */
export interface CorpusChoice {
  corpus: CorpusId;
  tasks?: TaskCorpusSpec; // set when corpus is 'task-primitives'
}

export interface CorpusInfo {
  id: CorpusId;
  label: string;
  description: string;
}

export const CORPORA: readonly CorpusInfo[] = [
  {
    id: 'builtin-facts',
    label: 'Built-in arithmetic facts',
    description: 'Short facts such as ### 48*2=96.',
  },
  {
    id: 'task-primitives',
    label: 'Task families: primitive skills',
    description:
      '1–2 step problems of the task families worked in full, and longer ones worked part way, in the format the RL stage uses.',
  },
];

export const DEFAULT_TASK_CORPUS: TaskCorpusSpec = {
  families: [...FAMILY_NAMES],
  count: DEFAULT_TASK_CONFIG.nPrimitives,
  seed: DEFAULT_TASK_CONFIG.seed,
};

/** One line per family for the setup form, e.g. "chain: a start number and 1-6 operations …". */
export function familyDescriptions(): { name: FamilyName; description: string }[] {
  return FAMILY_NAMES.map((name) => ({ name, description: TASK_FAMILIES[name].description }));
}

/** Why a task corpus spec cannot be built, or undefined when it can. */
export function taskSpecError(spec: TaskCorpusSpec | undefined): string | undefined {
  if (!spec || !Array.isArray(spec.families) || spec.families.length === 0) return 'Choose at least one task family';
  const unknown = spec.families.find((f) => !FAMILY_NAMES.includes(f));
  if (unknown !== undefined) return `Unknown task family "${unknown}" (known: ${FAMILY_NAMES.join(', ')})`;
  if (new Set(spec.families).size !== spec.families.length) return 'Each task family may be chosen once';
  if (!Number.isInteger(spec.count) || spec.count < 1 || spec.count > 100_000)
    return 'The task corpus needs 1 to 100,000 documents';
  if (!Number.isInteger(spec.seed)) return 'The task corpus seed must be a whole number';
  return undefined;
}

const SAMPLE_PROMPTS = 3; // prompts per generation set
const SAMPLE_TOKENS = [24, 64]; // new tokens per generation: the longest document, within these bounds

/**
 * Prompts for the live generations: a few corpus documents cut where the model's own work begins:
 * after the question line of a task problem ("Q: 48*2\n"), after the first '=' of a fact
 * ("### 48*2="), or halfway through anything else.
 */
export function samplePrompts(corpus: string[], n = SAMPLE_PROMPTS): string[] {
  const out: string[] = [];
  for (let i = 0; i < n && corpus.length > 0; i++) {
    const ex = corpus[Math.floor(((i + 0.5) * corpus.length) / n)];
    const nl = ex.indexOf('\n');
    const eq = ex.indexOf('=');
    const cut = nl > 0 ? nl + 1 : eq >= 0 ? eq + 1 : Math.max(1, Math.floor(ex.length / 2));
    out.push(ex.slice(0, cut));
  }
  return out;
}

/** New tokens per generation: enough for the corpus's longest document (EOS ends most earlier). */
export function sampleTokens(corpus: string[]): number {
  const longest = corpus.reduce((m, t) => Math.max(m, t.length), 0);
  return Math.min(SAMPLE_TOKENS[1], Math.max(SAMPLE_TOKENS[0], longest));
}

const cache = new Map<string, { texts: string[]; longest: number }>();

function keyOf(c: CorpusChoice): string {
  if (c.corpus !== 'task-primitives') return c.corpus;
  const t = c.tasks ?? DEFAULT_TASK_CORPUS;
  return `tasks:${[...t.families].sort().join(',')}:${t.count}:${t.seed}`;
}

function build(c: CorpusChoice): { texts: string[]; longest: number } {
  const key = keyOf(c);
  let hit = cache.get(key);
  if (!hit) {
    let texts: string[];
    if (c.corpus === 'builtin-facts') texts = builtinCorpus();
    else if (c.corpus === 'task-primitives') {
      const spec = c.tasks ?? DEFAULT_TASK_CORPUS;
      const why = taskSpecError(spec);
      if (why) throw new Error(why);
      // Families in their registry order, so the same choice in any order gives the same corpus.
      const families = FAMILY_NAMES.filter((f) => spec.families.includes(f));
      texts = pretrainCorpus({ families, seed: spec.seed }, spec.count);
    } else throw new Error(`unknown corpus "${String(c.corpus)}"`);
    hit = { texts, longest: texts.reduce((m, t) => Math.max(m, t.length), 0) };
    cache.set(key, hit);
  }
  return hit;
}

/** The documents of a corpus choice (built on first use, then kept). */
export function corpusTexts(c: CorpusChoice): string[] {
  return build(c).texts;
}

/** Tokens of the longest document as the trainer frames it: <bos> text <eos> (one token per character). */
export function longestExampleTokens(c: CorpusChoice): number {
  return build(c).longest + 2;
}

/**
 * The sequence length a run trains on: the engine's default, raised to the longest framed document
 * when that is longer (so every document can be seen whole), never above the model's context.
 */
export function seqLengthFor(c: CorpusChoice, defaultSeqLength: number, contextLength: number): number {
  return Math.min(contextLength, Math.max(defaultSeqLength, longestExampleTokens(c)));
}

/**
 * Entropy (nats/token) of the corpus's unigram distribution over the tokens a model predicts (every
 * character and the end marker of each document): the loss of a model that ignores all context, the
 * reference line of the loss chart.
 */
export function unigramEntropy(c: CorpusChoice): number {
  const counts = new Map<string, number>();
  let n = 0;
  for (const t of build(c).texts) {
    for (const ch of t) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    counts.set('<eos>', (counts.get('<eos>') ?? 0) + 1);
    n += t.length + 1;
  }
  let h = 0;
  for (const k of counts.values()) h -= (k / n) * Math.log(k / n);
  return h;
}
