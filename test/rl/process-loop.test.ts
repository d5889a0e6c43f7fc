// ExpRL-Process through the RL loop: a scorer that grades each delimited segment of the text
// gets DeltaNorm advantages spread on exactly that segment's tokens, EOS included in the last one.
import { describe, it, expect } from 'vitest';
import { createRlLoop, startFresh } from '../../src/rl/start-weights';
import { DEFAULT_RL } from '../../src/rl/rl-config';
import { MODEL_PRESETS } from '../../src/model/config';
import { splitSegments, segmentStarts } from '../../src/judge/segments';
import { segmentAdvantages, spreadSegments } from '../../src/rl/advantages';
import { textOffsetsToTokens } from '../../src/rl/rl-batch';
import { SPECIAL_TOKENS } from '../../src/model/tokenizer';
import { testGpu } from '../helpers/gpu';

describe('process rewards in the RL loop', () => {
  it('DeltaNorm advantages land on the tokens of each segment', async () => {
    const g = await testGpu();
    const cfg = {
      ...DEFAULT_RL,
      promptsPerStep: 2,
      groupSize: 3,
      maxNewTokens: 24,
      temperature: 1.5,
      advantage: 'delta-norm' as const,
      truncationGuard: false,
    };
    const loop = createRlLoop(g, startFresh(MODEL_PRESETS.tiny, 5), cfg);
    // Score of a segment: 1 if it holds a digit, else 0 (a stand-in for a judge's per-step verdict).
    const scoreOf = (seg: string) => (/[0-9]/.test(seg) ? 1 : 0);
    // A random model writes no step headers, so each response is cut at its most frequent character
    // (some character repeats in almost every 24-character response): segments of varied lengths.
    const delimiterOf = (text: string) => {
      const count = new Map<string, number>();
      for (const ch of text) count.set(ch, (count.get(ch) ?? 0) + 1);
      return [...count.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? '#';
    };
    const r = await loop.step(['Q: a\n', 'Q: b\n'], async (_i, text) => {
      const segs = splitSegments(text, delimiterOf(text));
      return { score: { kind: 'process', segmentStarts: segmentStarts(segs), scores: segs.map(scoreOf) }, correct: 0 };
    });
    let multi = 0;
    for (const t of r.traces) {
      const segs = splitSegments(t.response, delimiterOf(t.response));
      if (segs.length > 1) multi++;
      const starts = textOffsetsToTokens(t.tokens, segmentStarts(segs), (id) => id < SPECIAL_TOKENS);
      const want = spreadSegments(t.tokens.length, starts, segmentAdvantages(segs.map(scoreOf), 'delta-norm'));
      expect(Array.from(t.advantages)).toEqual(Array.from(want));
    }
    expect(multi).toBeGreaterThan(1);
    loop.destroy();
  });
});
