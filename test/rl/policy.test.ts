// RlPolicy's recorded updates: the dispatches of a batch shape are built once and reused, and the loss
// hyper-parameters live in their uniforms, so changing them between updates on the same batch shape must take
// effect. Each update's per-token terms are checked against the CPU reference of the policy loss.
import { describe, it, expect } from 'vitest';
import { RlPolicy } from '../../src/rl/policy';
import { buildLayout, initParams } from '../../src/model/params';
import type { ModelConfig } from '../../src/model/config';
import { policyLossForward, type PolicyLossHp } from '../../src/ref/policy_loss';
import { mulberry32, randomFloats, randomInts } from '../../src/util/rng';
import { testGpu } from '../helpers/gpu';
import { assertClose } from '../helpers/compare';

const CONFIG: ModelConfig = { vocabSize: 11, contextLength: 8, dModel: 8, nLayers: 1, nHeads: 2, mlpWidth: 16 };

describe('RlPolicy', () => {
  it('applies new loss hyper-parameters on a batch shape whose dispatches are already recorded', async () => {
    const g = await testGpu();
    const rows = 2,
      T = 5,
      N = rows * T;
    const policy = new RlPolicy(g, CONFIG, initParams(CONFIG, buildLayout(CONFIG), 3), rows);
    const rng = mulberry32(9);
    const targets = randomInts(rng, N, 0, CONFIG.vocabSize - 1);
    targets[N - 1] = -1; // a padding position: no target, weight 0
    const batch = { S: rows, T, tokens: randomInts(rng, N, 0, CONFIG.vocabSize - 1), targets };
    const logp = await policy.logprobs(batch, 'policy');
    const noise = randomFloats(rng, N, 0.4);
    const x = {
      adv: randomFloats(rng, N, 1),
      weight: Float32Array.from(targets, (t) => (t < 0 ? 0 : 1 / (N - 1))),
      logpOld: logp.map((l, i) => l + noise[i]), // ratios away from 1: both clips engage
      logpRef: logp.map((l, i) => l - noise[i]),
    };
    const a: PolicyLossHp = { epsLow: 0.2, epsHigh: 0.28, beta: 0, entCoef: 0 };
    const b: PolicyLossHp = { epsLow: 0.1, epsHigh: 0.1, beta: 0.5, entCoef: 0.3 };
    const seen: number[] = [];
    for (const hp of [a, b, a]) {
      // lr 0: the weights (and so logp and entropy) stay as they are between the updates
      const rep = await policy.pgUpdate(batch, x, hp, { lr: 0, weightDecay: 0, maxGradNorm: 1 });
      const want = new Float32Array(N * 4);
      policyLossForward(want, logp, x.logpOld, x.logpRef, x.adv, x.weight, rep.entropy, N, hp);
      assertClose(`terms ${JSON.stringify(hp)}`, rep.terms, want, 1e-5, 1e-4);
      seen.push(rep.terms.reduce((s, v, i) => s + (i % 4 === 0 ? v : 0), 0));
      expect(rep.gradNorm).toBeGreaterThan(0);
    }
    expect(Math.abs(seen[1] - seen[0])).toBeGreaterThan(1e-3); // the settings changed the loss
    expect(seen[2]).toBe(seen[0]); // and changing them back restores it exactly
    policy.destroy();
  });
});
