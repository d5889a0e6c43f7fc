// Splits: primitives, hard train and held-out hard eval are disjoint by construction and stay so
// for any seed; every set is deterministic; the pre-training corpus is prompt + worked solution.
import { describe, expect, it } from 'vitest';
import { canonicalForm } from '../../src/tasks/problem';
import { hardProblems, hardSplitOf, makeSplits, pretrainCorpus } from '../../src/tasks/splits';
import { taskConfig } from '../../src/tasks/config';

const small = { families: ['chain', 'carry', 'linear'] as const, nTrain: 300, nEval: 120, nPrimitives: 300 };

describe('splits', () => {
  it('are deterministic per seed', () => {
    const a = makeSplits({ ...small, families: [...small.families], seed: 3 });
    const b = makeSplits({ ...small, families: [...small.families], seed: 3 });
    expect(a).toEqual(b);
    const c = makeSplits({ ...small, families: [...small.families], seed: 4 });
    expect(c.train.map((p) => p.id)).not.toEqual(a.train.map((p) => p.id));
  });

  it('keep train, eval and primitives disjoint, whatever the seed', () => {
    const evalIds = new Set<string>();
    const trainIds = new Set<string>();
    for (const seed of [1, 2, 3]) {
      const s = makeSplits({ ...small, families: [...small.families], seed });
      expect(s.train.length).toBe(small.nTrain);
      expect(s.eval.length).toBe(small.nEval);
      expect(new Set(s.train.map((p) => p.id)).size).toBe(small.nTrain); // no duplicates within a split
      expect(new Set(s.eval.map((p) => p.id)).size).toBe(small.nEval);
      s.train.forEach((p) => trainIds.add(canonicalForm(p.family, p.prompt)));
      s.eval.forEach((p) => evalIds.add(canonicalForm(p.family, p.prompt)));
      for (const p of s.primitives) expect(p.difficulty).toBeLessThanOrEqual(2);
      for (const p of [...s.train, ...s.eval]) expect(p.difficulty).toBeGreaterThanOrEqual(4);
      const prim = new Set(s.primitives.map((p) => canonicalForm(p.family, p.prompt)));
      for (const p of [...s.train, ...s.eval]) expect(prim.has(canonicalForm(p.family, p.prompt))).toBe(false);
    }
    // train of one seed never meets eval of another: membership depends on the problem alone
    for (const k of evalIds) expect(trainIds.has(k)).toBe(false);
  });

  it('assign eval membership by hash, near the configured share', () => {
    const s = makeSplits({ ...small, families: [...small.families] });
    for (const p of s.train) expect(hardSplitOf(p, 0.2)).toBe('train');
    for (const p of s.eval) expect(hardSplitOf(p, 0.2)).toBe('eval');
    let inEval = 0;
    for (let i = 0; i < 2000; i++) if (hardSplitOf({ family: 'chain', prompt: `Q: ${i}+1\n` }, 0.2) === 'eval') inEval++;
    expect(inEval / 2000).toBeGreaterThan(0.17);
    expect(inEval / 2000).toBeLessThan(0.23);
  });

  it('balance families and use the hard step range', () => {
    const s = makeSplits({ ...small, families: [...small.families] });
    for (const f of small.families) expect(s.train.filter((p) => p.family === f).length).toBe(100);
    const steps = new Set(s.train.filter((p) => p.family === 'chain').map((p) => p.difficulty));
    expect([...steps].sort()).toEqual([4, 5, 6]);
    expect(new Set(s.train.filter((p) => p.family === 'carry').map((p) => p.difficulty))).toEqual(new Set([4, 5]));
    for (const p of [...s.train, ...s.eval]) expect(p.prompt.length + p.worked.length).toBeLessThanOrEqual(158);
  });

  it('make a pre-training corpus of prompt + worked solution documents', () => {
    const docs = pretrainCorpus({ families: ['chain'] }, 50);
    expect(docs).toEqual(pretrainCorpus({ families: ['chain'] }, 50));
    expect(docs.length).toBe(50);
    for (const d of docs) expect(d).toMatch(/^Q: \d+([-+*/]\d+){1,2}\n(### \d+[-+*/]\d+=\d+\n){1,2}A: \d+$/);
    // single operations are practised on numbers beyond the two-digit starts of hard chains
    expect(docs.some((d) => /^Q: \d{4}/.test(d))).toBe(true);
  });

  it('refuse configs that would break disjointness or cannot be met, naming the field', () => {
    expect(() => taskConfig({ primitiveSteps: [1, 4] })).toThrow(/tasks.primitiveSteps must end below hardSteps/);
    expect(() => taskConfig({ mergeProb: 2 })).toThrow(/tasks.mergeProb/);
    expect(() => taskConfig({ families: ['chess' as 'chain'] })).toThrow(/unknown family "chess"/);
    expect(() => hardProblems({ families: ['carry'], primitiveSteps: [1, 5], hardSteps: [6, 6] }, 'train', 1)).toThrow(/overlap primitiveSteps/);
    // a space of exactly one problem ("Q: 10+2+2+2+2") cannot give three
    const tiny = { families: ['chain' as const], startRange: [10, 10] as [number, number], addendRange: [2, 2] as [number, number], ops: '+', hardSteps: [4, 4] as [number, number] };
    expect(() => hardProblems(tiny, 'train', 3)).toThrow(/only [01] distinct train problems found for 3 requested/);
  });
});
