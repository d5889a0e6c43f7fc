// Splits: primitives, hard train and held-out hard eval are disjoint by construction and stay so
// for any seed; every set is deterministic; the pre-training corpus is prompt + worked solution.
import { describe, expect, it } from 'vitest';
import { canonicalForm } from '../../src/tasks/problem';
import { hardProblems, hardSplitOf, makeSplits, pretrainCorpus } from '../../src/tasks/splits';
import { taskConfig } from '../../src/tasks/task-config';

// The mixed-family world these tests were written for (the default world of carry sums with index
// hints and early stops is tested in verifier.test.ts): 1-2 step primitives, 4-5 step hard problems,
// half of the corpus long problems worked part way then answered.
const CLASSIC = {
  primitiveSteps: [1, 2] as [number, number],
  hardSteps: [4, 5] as [number, number],
  partialShare: 0.5,
  stopHazard: 0,
  partialEnd: 'answer' as const,
  indexHints: 'none' as const,
  readShare: 0,
};
const small = {
  ...CLASSIC,
  families: ['chain', 'carry', 'linear'] as const,
  nTrain: 300,
  nEval: 120,
  nPrimitives: 300,
};

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
    for (let i = 0; i < 2000; i++)
      if (hardSplitOf({ family: 'chain', prompt: `Q: ${i}+1\n` }, 0.2) === 'eval') inEval++;
    expect(inEval / 2000).toBeGreaterThan(0.17);
    expect(inEval / 2000).toBeLessThan(0.23);
  });

  it('balance families and use the hard step range', () => {
    const s = makeSplits({ ...small, families: [...small.families] });
    for (const f of small.families) expect(s.train.filter((p) => p.family === f).length).toBe(100);
    // the default hard range, [4, 5], clipped to each family's most steps
    const steps = new Set(s.train.filter((p) => p.family === 'chain').map((p) => p.difficulty));
    expect([...steps].sort()).toEqual([4, 5]);
    expect(new Set(s.train.filter((p) => p.family === 'carry').map((p) => p.difficulty))).toEqual(new Set([4, 5]));
    const wide = makeSplits({ ...small, families: ['chain'], hardSteps: [4, 6] });
    expect([...new Set(wide.train.map((p) => p.difficulty))].sort()).toEqual([4, 5, 6]);
    for (const p of [...s.train, ...s.eval]) expect(p.prompt.length + p.worked.length).toBeLessThanOrEqual(158);
  });

  it('make a pre-training corpus of worked primitives and long chains worked part way', () => {
    const chain = {
      ...CLASSIC,
      families: ['chain' as const],
      hardSteps: [4, 6] as [number, number],
      partialWorked: [1, 2] as [number, number],
    };
    const docs = pretrainCorpus(chain, 60);
    expect(docs).toEqual(pretrainCorpus(chain, 60));
    expect(docs.length).toBe(60);
    const full = docs.filter((d) => /^Q: \d+([-+*/]\d+){1,2}\n(### \d+[-+*/]\d+=\d+\n){1,2}A: \d+$/.test(d));
    for (const d of full) expect(d.endsWith(`=${d.split('A: ')[1]}\nA: ${d.split('A: ')[1]}`)).toBe(true);
    const part = docs.filter((d) => !full.includes(d));
    expect(part.length).toBe(30); // partialShare 0.5
    for (const d of part) {
      // 3 to 6 operations in the prompt, partialWorked = 1 to 2 of them worked, then the answer
      expect(d).toMatch(/^Q: \d+([-+*/]\d+){3,6}\n(### \d+[-+*/]\d+=\d+\n){1,2}A: \d+$/);
    }
    expect(part.some((d) => d.split('###').length === 2)).toBe(true);
    expect(part.some((d) => d.split('###').length === 3)).toBe(true);
  });

  it('without a stop hazard work long additions from one column up to all but the last', () => {
    const part = pretrainCorpus(CLASSIC, 400).filter((d) => d.split('\n')[0].length > 'Q: 99+99'.length);
    const worked = new Set<string>();
    for (const d of part) {
      const digits = d
        .split('\n')[0]
        .slice(3)
        .split('+')
        .map((x) => x.length);
      const columns = d.split('###').length - 1;
      expect(Math.max(...digits)).toBeGreaterThanOrEqual(3);
      expect(columns).toBeGreaterThanOrEqual(1);
      expect(columns).toBeLessThan(Math.max(...digits)); // never the whole sum
      worked.add(`${Math.max(...digits)}:${columns}`);
    }
    for (const k of ['3:1', '3:2', '4:3', '5:1', '5:4']) expect(worked.has(k), k).toBe(true);
  });

  it('never put a train or eval problem in the pre-training corpus', () => {
    const cfg = {
      ...CLASSIC,
      families: ['chain' as const],
      nTrain: 200,
      nEval: 50,
      startRange: [10, 12] as [number, number],
      addendRange: [2, 3] as [number, number],
      ops: '+-',
      hardSteps: [4, 4] as [number, number],
    };
    const docs = pretrainCorpus(cfg, 400);
    const prompts = new Set(docs.map((d) => d.split('\n')[0] + '\n'));
    const s = makeSplits({ ...cfg, nPrimitives: 10 });
    for (const p of [...s.train, ...s.eval]) expect(prompts.has(p.prompt)).toBe(false);
    expect(pretrainCorpus({ ...cfg, partialShare: 0 }, 40).every((d) => /^Q: \d+([-+]\d+){1,2}\n/.test(d))).toBe(true);
  });

  it('refuse configs that would break disjointness or cannot be met, naming the field', () => {
    expect(() => taskConfig({ primitiveSteps: [1, 6] })).toThrow(/tasks.primitiveSteps must end below hardSteps/);
    expect(() => taskConfig({ mergeProb: 2 })).toThrow(/tasks.mergeProb/);
    expect(() => taskConfig({ partialShare: -0.1 })).toThrow(/tasks.partialShare/);
    expect(() => taskConfig({ partialWorked: [2, 1] })).toThrow(/tasks.partialWorked/);
    expect(() => taskConfig({ families: ['chess' as 'chain'] })).toThrow(/unknown family "chess"/);
    // a space of exactly one problem ("Q: 10+2+2+2+2") cannot give three
    const tiny = {
      families: ['chain' as const],
      startRange: [10, 10] as [number, number],
      addendRange: [2, 2] as [number, number],
      ops: '+',
      hardSteps: [4, 4] as [number, number],
    };
    expect(() => hardProblems(tiny, 'train', 3)).toThrow(/only [01] distinct train problems found for 3 requested/);
  });
});
