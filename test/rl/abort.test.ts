// An RL step stops when its AbortSignal is aborted (the page's time estimate gives way to a run this
// way): before sampling, or between sampling chunks; it rejects with the signal's reason, the scorer
// is never called and the step count stays where it was.
import { describe, it, expect } from 'vitest';
import { createRlLoop, startFresh } from '../../src/rl/start-weights';
import { DEFAULT_RL } from '../../src/rl/rl-config';
import { MODEL_PRESETS } from '../../src/model/config';
import { testGpu } from '../helpers/gpu';

const CFG = { ...DEFAULT_RL, promptsPerStep: 1, groupSize: 2, maxNewTokens: 40, truncationGuard: false }; // 40 tokens: 3 sampling chunks of 16

/** A signal that turns aborted at its n-th check (the sampler checks before each chunk). */
function abortsAtCheck(n: number, reason: Error) {
  let checks = 0;
  const signal = {
    throwIfAborted: () => {
      if (++checks >= n) throw reason;
    },
  } as unknown as AbortSignal;
  return { signal, checks: () => checks };
}

describe('aborting an RL step', () => {
  it('an already aborted signal stops it before sampling', async () => {
    const g = await testGpu();
    const loop = createRlLoop(g, startFresh(MODEL_PRESETS.tiny, 1), CFG);
    const ctl = new AbortController();
    const reason = new Error('given way');
    ctl.abort(reason);
    let scored = 0;
    await expect(
      loop.step(
        ['Q: 1+1\n'],
        async () => {
          scored++;
          return { score: { kind: 'outcome', reward: 0 }, correct: 0 };
        },
        undefined,
        ctl.signal,
      ),
    ).rejects.toBe(reason);
    expect([scored, loop.stepCount]).toEqual([0, 0]);
    loop.destroy();
  });

  it('a signal aborted while sampling stops it before the next chunk', async () => {
    const g = await testGpu();
    const loop = createRlLoop(g, startFresh(MODEL_PRESETS.tiny, 1), CFG);
    const reason = new Error('given way');
    const s = abortsAtCheck(2, reason);
    let scored = 0;
    await expect(
      loop.step(
        ['Q: 1+1\n'],
        async () => {
          scored++;
          return { score: { kind: 'outcome', reward: 0 }, correct: 0 };
        },
        undefined,
        s.signal,
      ),
    ).rejects.toBe(reason);
    expect([s.checks(), scored, loop.stepCount]).toEqual([2, 0, 0]);
    const r = await loop.step(['Q: 1+1\n'], async () => ({ score: { kind: 'outcome', reward: 0 }, correct: 0 })); // the loop still works
    expect(r.step).toBe(1);
    loop.destroy();
  });
});
