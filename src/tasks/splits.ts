// The three problem sets of a run: primitives (1-2 steps, pre-training), hard train and held-out
// hard eval (4-6 steps), and the pre-training corpus (primitives plus long chains worked only part
// way). Train and eval are disjoint by construction: a problem belongs to eval iff the hash of its
// canonical form falls below evalFraction, whatever the seed; primitives differ from both in step
// count, and no partly worked corpus document is a train or eval problem. Every set is a pure
// function of the config.

import { mulberry32, randInt, type Rng } from '../util/rng';
import { taskConfig, type Range, type TaskConfig } from './task-config';
import { TASK_FAMILIES } from './families';
import { fnv1a, hashUnit } from './hash';
import { ANSWER_PREFIX, NO_ANSWER, canonicalForm, truncateWorked, type Problem, type Purpose } from './problem';

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
      throw new Error(
        `${name}: has at most ${TASK_FAMILIES[name].maxDifficulty} steps, so its hard problems would overlap primitiveSteps ${JSON.stringify(config.primitiveSteps)}`,
      );
    }
  }
  const rng = streamRng(config, split);
  const out: Problem[] = [];
  const seen = new Set<string>();
  const maxAttempts = 200 * n + 1000;
  for (let attempt = 0, i = 0; out.length < n; attempt++) {
    if (attempt >= maxAttempts) {
      throw new Error(
        `only ${out.length} distinct ${split} problems found for ${n} requested: widen the number ranges or step range`,
      );
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

/** The kinds of long-problem document the pre-training corpus mixes in (besides worked primitives). */
export type LongDocKind = 'partial' | 'window' | 'read';

/** The line a partial document that gives up ends with under partialEnd 'give-up'. */
export const GIVE_UP = `${ANSWER_PREFIX}?`;

/** The last line of a partial document that stops before its last step. */
function partialEnding(config: TaskConfig, answer: string): string {
  if (config.partialEnd === 'give-up') return GIVE_UP;
  if (config.partialEnd === 'no-answer') return NO_ANSWER;
  return ANSWER_PREFIX + answer;
}

/**
 * `n` documents about long problems (primitiveSteps[1]+1 to hardSteps[1] steps; none of them a train
 * or eval problem), of one kind:
 * - 'partial': the first steps (partialWorked, never all of them), then the answer stated without the
 *   rest of the work ("Q: 48+37-5+12-8\n### 48+37=85\nA: 84"), "A: ?" ('give-up') or "N/A" ('no-answer'). They
 *   show prompts of every length while the composition of a whole long chain is never demonstrated.
 *   With stopHazard > 0 the work stops after each step with that chance instead (lastStopHazard before
 *   the last step), and a document that
 *   reaches the last step reads its answer off: the whole composition is seen, rarely.
 * - 'window' ("W: ..."): one or two consecutive steps from anywhere in the problem (the incoming carry
 *   is part of the step), no answer: every step's primitive, at every depth, with no chain end to end.
 * - 'read' ("R: ..."): every step and the answer read off them, under its own header, so that reading
 *   an answer off a long working is seen while no "Q:" document works a long problem to its end.
 */
export function longDocuments(partial: Partial<TaskConfig>, n: number, kind: LongDocKind): string[] {
  const config = taskConfig(partial);
  if (n === 0) return [];
  const rng = streamRng(config, kind);
  const train = new Set(config.nTrain > 0 ? hardProblems(config, 'train', config.nTrain).map((p) => p.id) : []);
  const steps: Range =
    kind === 'window' ? [2, config.hardSteps[1]] : [config.primitiveSteps[1] + 1, config.hardSteps[1]];
  const out: string[] = [];
  for (let i = 0, attempt = 0; out.length < n; attempt++) {
    if (attempt >= 100 * n + 1000) throw new Error(`only ${out.length} ${kind} documents found for ${n} requested`);
    const p = generateFitting(rng, config, i, steps, 'hard');
    if (hardSplitOf(p, config.evalFraction) === 'eval' || train.has(p.id)) continue;
    const lines = p.worked.split('\n').filter((l) => l.startsWith('### '));
    if (kind === 'partial' && config.stopHazard > 0) {
      let worked = 1;
      const hazard = () => (worked === lines.length - 1 ? config.lastStopHazard : config.stopHazard);
      while (worked < lines.length && rng() >= hazard()) worked++;
      out.push(
        worked === lines.length
          ? p.prompt + p.worked
          : p.prompt + truncateWorked(p.worked, worked) + partialEnding(config, p.answer),
      );
    } else if (kind === 'partial') {
      const worked = randInt(
        rng,
        Math.min(config.partialWorked[0], p.difficulty - 1),
        Math.min(config.partialWorked[1], p.difficulty - 1),
      );
      out.push(p.prompt + truncateWorked(p.worked, worked) + partialEnding(config, p.answer));
    } else if (kind === 'window') {
      const from = randInt(rng, 0, lines.length - 1);
      const count = randInt(rng, 1, 2);
      out.push(
        'W' +
          p.prompt.slice(1) +
          lines
            .slice(from, from + count)
            .map((l) => l + '\n')
            .join(''),
      );
    } else {
      out.push('R' + p.prompt.slice(1) + p.worked);
    }
    i++;
  }
  return out;
}

/** `n` partial documents (longDocuments of kind 'partial'). */
export function partialDocuments(partial: Partial<TaskConfig>, n: number): string[] {
  return longDocuments(partial, n, 'partial');
}

/**
 * The kind of every document of an n-document corpus: each kind at its share, interleaved evenly
 * (smooth weighted round robin), the rest primitives. With partial documents alone, every
 * 1/partialShare-th document is one, as the corpus has always been built.
 */
function docKinds(config: TaskConfig, n: number): (LongDocKind | 'primitive')[] {
  if (config.windowShare === 0 && config.readShare === 0) {
    const s = config.partialShare;
    return Array.from({ length: n }, (_, i) => (Math.floor((i + 1) * s) > Math.floor(i * s) ? 'partial' : 'primitive'));
  }
  const shares: [LongDocKind | 'primitive', number][] = [
    ['partial', config.partialShare],
    ['window', config.windowShare],
    ['read', config.readShare],
    ['primitive', 1 - config.partialShare - config.windowShare - config.readShare],
  ];
  const credit = shares.map(() => 0);
  return Array.from({ length: n }, () => {
    shares.forEach(([, s], k) => (credit[k] += s));
    let best = 0;
    credit.forEach((c, k) => (c > credit[best] + 1e-12 ? (best = k) : 0));
    credit[best] -= 1;
    return shares[best][0];
  });
}

/**
 * `n` pre-training documents: primitive problems as the policy would write them (the prompt then the
 * worked solution, e.g. "Q: 48*2\n### 48*2=96\nA: 96") and, at their shares, long-problem documents
 * of each kind (longDocuments), interleaved evenly. The engine frames each with BOS/EOS.
 */
export function pretrainCorpus(partial: Partial<TaskConfig>, n: number): string[] {
  const config = taskConfig(partial);
  const kinds = docKinds(config, n);
  const count = (k: string) => kinds.filter((x) => x === k).length;
  const pools: Record<string, string[]> = {
    primitive: primitiveProblems(config, count('primitive')).map((p) => p.prompt + p.worked),
    partial: longDocuments(config, count('partial'), 'partial'),
    window: longDocuments(config, count('window'), 'window'),
    read: longDocuments(config, count('read'), 'read'),
  };
  const next: Record<string, number> = { primitive: 0, partial: 0, window: 0, read: 0 };
  return kinds.map((k) => pools[k][next[k]++]);
}
