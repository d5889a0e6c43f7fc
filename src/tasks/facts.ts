// The built-in pre-training corpus: short arithmetic facts in the policy's step format, e.g.
// "### 48*2=96" and "### 17+25=42". Deterministic (seeded), so every run sees the same corpus.

import { mulberry32, randInt } from '../util/rng';

export interface FactsOptions {
  count: number; // number of facts
  maxOperand: number; // operands drawn from [0, maxOperand]
  seed: number;
}

export const DEFAULT_FACTS: FactsOptions = { count: 4000, maxOperand: 99, seed: 12345 };

/** One arithmetic fact per string; + - * on small non-negative integers, results non-negative. */
export function builtinCorpus(o: FactsOptions = DEFAULT_FACTS): string[] {
  const rng = mulberry32(o.seed);
  const out: string[] = [];
  for (let i = 0; i < o.count; i++) {
    const op = ['+', '-', '*'][randInt(rng, 0, 2)];
    let a = randInt(rng, 0, o.maxOperand);
    let b = op === '*' ? randInt(rng, 0, 9) : randInt(rng, 0, o.maxOperand);
    if (op === '-' && b > a) [a, b] = [b, a];
    const r = op === '+' ? a + b : op === '-' ? a - b : a * b;
    out.push(`### ${a}${op}${b}=${r}`);
  }
  return out;
}

/** Unigram entropy of a corpus in nats per token, counting BOS/EOS framing as the trainer does. */
export function unigramEntropy(tokenStreams: ArrayLike<number>[]): number {
  const counts = new Map<number, number>();
  let total = 0;
  for (const s of tokenStreams) {
    for (let i = 0; i < s.length; i++) {
      counts.set(s[i], (counts.get(s[i]) ?? 0) + 1);
      total++;
    }
  }
  let h = 0;
  for (const c of counts.values()) {
    const p = c / total;
    h -= p * Math.log(p);
  }
  return h;
}
