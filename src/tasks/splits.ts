// The three problem sets of a run: primitives (1-2 steps, pre-training), hard train and held-out
// hard eval (4-6 steps), and the pre-training corpus (primitives plus long chains worked only part
// way). Train and eval are disjoint by construction: a problem belongs to eval iff the hash of its
// canonical form falls below evalFraction, whatever the seed; primitives differ from both in step
// count, and no partly worked corpus document is a train or eval problem. Every set is a pure
// function of the config.

import { mulberry32, randInt, type Rng } from '../util/rng';
import { taskConfig, type Range, type TaskConfig } from './config';
import { TASK_FAMILIES } from './families';
import { fnv1a, hashUnit } from './hash';
import { ANSWER_PREFIX, canonicalForm, truncateWorked, type Problem, type Purpose } from './problem';

export type HardSplit = 'train' | 'eval';

export interface Splits {
  primitives: Problem[]; // config.nPrimitives, 1-2 steps, duplicates allowed (a corpus, not a test set)
  train: Problem[]; // config.nTrain distinct hard problems
  eval: Problem[]; // config.nEval distinct hard problems, none of them in train
}

/** Which hard split a problem belongs to: decided by its canonical form alone. */
export function hardSplitOf(problem: Pick<Problem, 'family' | 'prompt'>, evalFraction: number): HardSplit {
  return hashUnit('split:' + canonicalForm(problem.family, problem.prompt)) < evalFraction ? 'eval' : 'train';
}

function streamRng(config: TaskConfig, name: string): Rng {
  return mulberry32(fnv1a(`${name}:${config.seed}`));
}

/** One problem of family `families[i % n]`, steps drawn from `steps` (clipped to the family), fitted to maxChars. */
function generateFitting(rng: Rng, config: TaskConfig, i: number, steps: Range, purpose: Purpose): Problem {
  const family = TASK_FAMILIES[config.families[i % config.families.length]];
  for (let attempt = 0; attempt < 200; attempt++) {
    const d = randInt(rng, Math.min(steps[0], family.maxDifficulty), Math.min(steps[1], family.maxDifficulty));
    const p = family.generate(rng, d, config, purpose);
    if (p.prompt.length + p.worked.length <= config.maxChars) return p;
  }
  throw new Error(
    `${family.name}: could not fit a ${steps[0]}-${steps[1]} step problem in maxChars=${config.maxChars}; ` +
      'lower maxValue or the step range, or raise maxChars with the model context',
  );
}

/** `n` primitive problems (1-2 steps); the pre-training corpus is made of them. */
export function primitiveProblems(partial: Partial<TaskConfig>, n: number): Problem[] {
  const config = taskConfig(partial);
  const rng = streamRng(config, 'primitives');
  return Array.from({ length: n }, (_, i) => generateFitting(rng, config, i, config.primitiveSteps, 'primitive'));
}

/** `n` distinct hard problems of one split. Throws if the problem space is too small for `n`. */
export function hardProblems(partial: Partial<TaskConfig>, split: HardSplit, n: number): Problem[] {
  const config = taskConfig(partial);
  for (const name of config.families) {
    // a family with fewer possible steps than hardSteps asks for would overlap the primitives
    if (Math.min(config.hardSteps[0], TASK_FAMILIES[name].maxDifficulty) <= config.primitiveSteps[1]) {
      throw new Error(`${name}: has at most ${TASK_FAMILIES[name].maxDifficulty} steps, so its hard problems would overlap primitiveSteps ${JSON.stringify(config.primitiveSteps)}`);
    }
  }
  const rng = streamRng(config, split);
  const out: Problem[] = [];
  const seen = new Set<string>();
  const maxAttempts = 200 * n + 1000;
  for (let attempt = 0, i = 0; out.length < n; attempt++) {
    if (attempt >= maxAttempts) {
      throw new Error(`only ${out.length} distinct ${split} problems found for ${n} requested: widen the number ranges or step range`);
    }
    const p = generateFitting(rng, config, i, config.hardSteps, 'hard');
    if (hardSplitOf(p, config.evalFraction) !== split || seen.has(p.id)) continue;
    seen.add(p.id);
    out.push(p);
    i++; // next family only once this one contributed, so families stay balanced
  }
  return out;
}

/** Primitives, train and eval for a config (defaults for missing fields). */
export function makeSplits(partial: Partial<TaskConfig> = {}): Splits {
  const config = taskConfig(partial);
  return {
    primitives: primitiveProblems(config, config.nPrimitives),
    train: hardProblems(config, 'train', config.nTrain),
    eval: hardProblems(config, 'eval', config.nEval),
  };
}

/**
 * `n` long-chain documents that work only their first steps (partialWorked, never all of them) and
 * then state the answer as a person would, without the rest of the work: "Q: 48+37-5+12-8\n### 48+37=85
 * \nA: 84". They show the model prompts of every length it is later asked, so the first steps of a
 * hard problem are in reach, while the composition of a whole long chain is never demonstrated.
 * Chains have primitiveSteps[1]+1 to hardSteps[1] steps; none is a train or eval problem.
 */
export function partialDocuments(partial: Partial<TaskConfig>, n: number): string[] {
  const config = taskConfig(partial);
  if (n === 0) return [];
  const rng = streamRng(config, 'partial');
  const train = new Set(config.nTrain > 0 ? hardProblems(config, 'train', config.nTrain).map((p) => p.id) : []);
  const steps: Range = [config.primitiveSteps[1] + 1, config.hardSteps[1]];
  const out: string[] = [];
  for (let i = 0, attempt = 0; out.length < n; attempt++) {
    if (attempt >= 100 * n + 1000) throw new Error(`only ${out.length} partial documents found for ${n} requested`);
    const p = generateFitting(rng, config, i, steps, 'hard');
    if (hardSplitOf(p, config.evalFraction) === 'eval' || train.has(p.id)) continue;
    const worked = randInt(rng, Math.min(config.partialWorked[0], p.difficulty - 1), Math.min(config.partialWorked[1], p.difficulty - 1));
    out.push(p.prompt + truncateWorked(p.worked, worked) + ANSWER_PREFIX + p.answer);
    i++;
  }
  return out;
}

/**
 * `n` pre-training documents: primitive problems as the policy would write them (the prompt then the
 * worked solution, e.g. "Q: 48*2\n### 48*2=96\nA: 96") and, a partialShare of them, long chains
 * worked part way (partialDocuments), interleaved evenly. The engine frames each with BOS/EOS.
 */
export function pretrainCorpus(partial: Partial<TaskConfig>, n: number): string[] {
  const config = taskConfig(partial);
  const isPartial = (i: number) => Math.floor((i + 1) * config.partialShare) > Math.floor(i * config.partialShare);
  let nPartial = 0;
  for (let i = 0; i < n; i++) if (isPartial(i)) nPartial++;
  const prim = primitiveProblems(config, n - nPartial).map((p) => p.prompt + p.worked);
  const part = partialDocuments(config, nPartial);
  const out: string[] = [];
  for (let i = 0, a = 0, b = 0; i < n; i++) out.push(isPartial(i) ? part[b++] : prim[a++]);
  return out;
}
