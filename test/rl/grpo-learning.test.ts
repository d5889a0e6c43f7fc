// Sparse GRPO learns: with a fixed seed, a fresh tiny model on the `digits` task (starting success
// ~10%) clearly raises its reward within a dozen steps. The reward curve is printed.
import { describe, it, expect } from 'vitest';
import { createRlLoop, startFresh } from '../../src/rl/start-weights';
import { DEFAULT_RL } from '../../src/rl/rl-config';
import { MODEL_PRESETS } from '../../src/model/config';
import { VERIFIABLE_TASKS, problemStream } from '../../src/tasks/verifiable';
import { testGpu } from '../helpers/gpu';

describe('sparse GRPO on the GPU', () => {
  it('raises the reward of the digits task', async () => {
    const g = await testGpu();
    const cfg = {
      ...DEFAULT_RL,
      promptsPerStep: 4,
      groupSize: 8,
      maxNewTokens: 4,
      lr: 1e-2,
      truncationGuard: false,
      seed: 3,
    };
    const loop = createRlLoop(g, startFresh(MODEL_PRESETS.tiny, 1), cfg);
    const next = problemStream(VERIFIABLE_TASKS.digits, 3);
    const curve: number[] = [];
    for (let i = 0; i < 14; i++) {
      const problems = Array.from({ length: cfg.promptsPerStep }, next);
      const r = await loop.step(
        problems.map((p) => p.prompt),
        async (item, response) => {
          const c = problems[item].check(response);
          return { score: { kind: 'outcome', reward: c }, correct: c };
        },
      );
      curve.push(r.metrics['rl/reward']);
      expect(Number.isFinite(r.metrics['rl/kl']) && r.metrics['rl/grad_norm'] >= 0).toBe(true);
    }
    loop.destroy();
    console.log('digits reward curve:', curve.map((x) => x.toFixed(2)).join(' '));
    const first = (curve[0] + curve[1] + curve[2]) / 3;
    const last = (curve[11] + curve[12] + curve[13]) / 3;
    expect(first).toBeGreaterThan(0.02);
    expect(first).toBeLessThan(0.3);
    expect(last).toBeGreaterThan(first + 0.25);
  });
});
