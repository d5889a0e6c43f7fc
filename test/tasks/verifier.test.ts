// The verifier: step identity (operands and result, a named column), the longest right prefix, and
// the hinted carry world it checks (prompt parsing, steps, corpus document kinds).
import { describe, it, expect } from 'vitest';
import { parseStep, verifyResponse } from '../../src/tasks/verifier';
import { carrySteps, parseCarryPrompt } from '../../src/tasks/carry';
import { hardProblems, longDocuments, pretrainCorpus } from '../../src/tasks/splits';
import type { TaskConfig } from '../../src/tasks/task-config';
import { renderWorked } from '../../src/tasks/problem';

const HINTED = {
  indexHints: 'shuffled' as const,
  primitiveSteps: [1, 2] as [number, number],
  hardSteps: [5, 6] as [number, number],
  nTrain: 50,
  nEval: 20,
};

describe('verifier', () => {
  it('a step is its operands and result; a hint names its column', () => {
    expect(parseStep('C8+c7+1=16')).toEqual({ column: 2, key: '+:1,7,8=16', holds: true });
    expect(parseStep('8+7+1=16')?.key).toBe(parseStep('7+8+1=16')?.key); // a sum's terms in any order
    expect(parseStep('8+7+0=15')?.key).toBe(parseStep('8+7=15')?.key); // a zero carry is no term
    expect(parseStep('0+8=8')?.key).not.toBe(parseStep('1+9=8')?.key);
    expect(parseStep('48*2+37=133')).toMatchObject({ holds: true });
    expect(parseStep('A5+a3+0=09')).toMatchObject({ holds: false });
    expect(parseStep('the sum is 5')).toBeNull();
  });

  it('counts the steps right in order, and no further than the first wrong one', () => {
    const p = { worked: renderWorked(carrySteps(66167, 11914, undefined, true).steps, '78081'), answer: '78081' };
    const right = p.worked;
    expect(verifyResponse(p, right)).toEqual({ total: 5, inOrder: 5, allSteps: true, answer: true });
    // the third column with true arithmetic on the wrong digits ("### 0+8=8" in the old demo)
    const lines = right.split('\n');
    const wrongColumn = [...lines.slice(0, 2), '### C0+c8+0=08', ...lines.slice(3)].join('\n');
    expect(verifyResponse(p, wrongColumn)).toMatchObject({ inOrder: 2, allSteps: false, answer: true });
    expect(verifyResponse(p, lines.slice(0, 3).join('\n') + '\nA: ?')).toMatchObject({
      inOrder: 3,
      allSteps: false,
      answer: false,
    });
  });
});

describe('the hinted carry world', () => {
  it('prompts name every digit by its column, in a shuffled order, and parse back', () => {
    const ps = hardProblems(HINTED, 'eval', 20);
    for (const p of ps) {
      expect(p.prompt).toMatch(/^Q: ([A-F]\d)+\+([a-f]\d)+\n$/);
      const [a, b] = parseCarryPrompt(p.prompt);
      expect(String(a + b)).toBe(p.answer);
      expect(verifyResponse(p, p.worked).allSteps).toBe(true);
      expect(
        p.worked
          .split('\n')
          .filter((l) => l.startsWith('### '))
          .every((l) => /^### [A-F]\d\+[a-f]\d\+[01]=\d\d$/.test(l)),
      ).toBe(true);
    }
    expect(new Set(ps.map((p) => p.prompt.slice(3, 5))).size).toBeGreaterThan(1); // not always the top column first
  });

  it('the corpus mixes its document kinds at their shares, none of them a train or eval problem', () => {
    const cfg = {
      ...HINTED,
      partialShare: 0.4,
      stopHazard: 0.6,
      partialEnd: 'give-up' as const,
      readShare: 0.3,
      windowShare: 0.1,
    };
    const docs = pretrainCorpus(cfg, 200);
    const kind = (d: string) =>
      d.startsWith('R: ') ? 'read' : d.startsWith('W: ') ? 'window' : d.endsWith('A: ?') ? 'partial' : 'other';
    const count = (k: string) => docs.filter((d) => kind(d) === k).length;
    expect(count('read')).toBe(60);
    expect(count('window')).toBe(20);
    expect(count('partial')).toBeGreaterThan(60); // 80 long "Q:" documents, most of them stopped early
    const held = new Set(
      [...hardProblems(cfg, 'train', 50), ...hardProblems(cfg, 'eval', 20)].map((p) => p.prompt.slice(3)),
    );
    for (const d of docs) expect(held.has(d.slice(3, d.indexOf('\n') + 1))).toBe(false);
    // the default world: 40% full short sums, 30% long ones that stop early ("N/A") or read off, 30% read-off
    const def = pretrainCorpus({}, 100);
    expect(def.filter((d) => d.startsWith('R: ')).length).toBe(30);
    expect(def.filter((d) => d.endsWith('\nN/A')).length).toBeGreaterThan(15);
    expect(def.every((d) => /^[QR]: ([A-F]\d)+\+([a-f]\d)+\n/.test(d))).toBe(true);
    // "A: " always reads an answer off the work: no document gives up under it
    expect(def.every((d) => !/^A: /m.test(d) || /\nA: \d+$/.test(d))).toBe(true);
  });

  it('long documents stop before their last column at lastStopHazard, elsewhere at stopHazard', () => {
    const worked = (cfg: Partial<TaskConfig>) =>
      longDocuments({ ...HINTED, ...cfg }, 300, 'partial').map((d) => {
        const width = (d.split('\n')[0].length - 4) / 4; // "Q: " + 2 chars a digit, twice, and "+"
        return { width, lines: d.split('\n').filter((l) => l.startsWith('### ')).length, end: d.split('\n').at(-1) };
      });
    const never = worked({ stopHazard: 0.5, lastStopHazard: 0, partialEnd: 'no-answer' });
    expect(never.some((d) => d.lines === d.width - 1)).toBe(false); // one that reaches the last column goes on
    expect(never.filter((d) => d.lines === d.width).every((d) => d.end?.startsWith('A: '))).toBe(true);
    expect(never.filter((d) => d.lines < d.width).every((d) => d.end === 'N/A')).toBe(true);
    const always = worked({ stopHazard: 0.5, lastStopHazard: 1 });
    expect(always.some((d) => d.lines === d.width)).toBe(false); // none is worked to its end
    expect(always.filter((d) => d.lines === d.width - 1).length).toBeGreaterThan(5);
  });
});
