// The page's glossary: every arm the page offers has an entry, and the method's terms the page shows
// (GRPO, self-distillation, Outcome, Process, DeltaNorm with its formula, the rubric) are explained.
import { describe, expect, it } from 'vitest';
import { ARM_IDS } from '../../src/experiment/arms';
import { GLOSSARY, armTerm } from '../../src/ui/glossary';

describe('glossary', () => {
  it('explains every arm of the experiment table', () => {
    expect(ARM_IDS.filter((arm) => armTerm(arm) === undefined)).toEqual([]);
  });

  it('has the method terms, DeltaNorm with both parts of its formula', () => {
    for (const t of [
      'grpo',
      'self-distillation',
      'outcome',
      'process',
      'deltanorm',
      'rubric',
      'sft',
      'reference',
      'held-out',
    ] as const) {
      expect(GLOSSARY[t].length).toBeGreaterThan(40);
    }
    expect(GLOSSARY.deltanorm).toContain('A_k = s_k - s_{k-1}');
    expect(GLOSSARY.deltanorm).toContain('A_1 = s_1 - s_K');
  });

  it('gives each entry as sentences', () => {
    const bad = Object.entries(GLOSSARY).filter(([, text]) => !/^[A-Z0-9].*\.$/.test(text));
    expect(bad).toEqual([]);
  });
});
