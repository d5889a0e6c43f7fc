// Several PPO epochs over mini-batches: old log-probs stay those of the sampling policy, so after
// the first mini-batch the ratio moves away from 1 and the asymmetric clip engages; with one epoch
// and one mini-batch every ratio is exactly 1 and nothing is clipped.
import { describe, it, expect } from 'vitest';
import { createRlLoop, startFresh } from '../../src/rl/start-weights';
import { DEFAULT_RL, type RlConfig } from '../../src/rl/rl-config';
import { MODEL_PRESETS } from '../../src/model/config';
import { testGpu } from '../helpers/gpu';

async function clipAfterOneStep(over: Partial<RlConfig>) {
  const g = await testGpu();
  const cfg = {
    ...DEFAULT_RL,
    promptsPerStep: 2,
    groupSize: 4,
    maxNewTokens: 6,
    truncationGuard: false,
    lr: 5e-2,
    beta: 0.001,
    ...over,
  };
  const loop = createRlLoop(g, startFresh(MODEL_PRESETS.tiny, 2), cfg);
  // Reward: responses containing a digit; varied enough that every group has signal.
  const r = await loop.step(['Q: 1\n', 'Q: 2\n'], async (_i, resp) => {
    const c = /[0-9]/.test(resp) ? 1 : 0;
    return { score: { kind: 'outcome', reward: c }, correct: c };
  });
  loop.destroy();
  return r.metrics;
}

describe('PPO epochs and mini-batches', () => {
  it('one epoch, one mini-batch: ratio 1, no clipping, KL 0', async () => {
    const m = await clipAfterOneStep({ epochs: 1, miniBatches: 1 });
    expect(m['rl/clip_ratio/low_mean'] + m['rl/clip_ratio/high_mean']).toBe(0);
    expect(m['rl/kl']).toBeCloseTo(0, 6);
  });
  it('three epochs of two mini-batches: later updates see moved ratios and clip', async () => {
    const m = await clipAfterOneStep({ epochs: 3, miniBatches: 2 });
    expect(m['rl/clip_ratio/low_mean'] + m['rl/clip_ratio/high_mean']).toBeGreaterThan(0);
    expect(m['rl/kl']).toBeGreaterThan(0);
  });
});
