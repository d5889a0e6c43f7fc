// Finite-difference check of the logprob/entropy CPU reference backward: both terms at once, with an
// ignored (negative-target) row that still carries the entropy gradient.
import { describe, it, expect } from 'vitest';
import { logprobForward, logprobBackward } from '../../src/ref/logprob';
import { mulberry32, randomFloats, randomInts } from '../../src/util/rng';
import { gradCheck, weightedSum } from '../helpers/gradcheck';

describe('ref logprob', () => {
  it('backward matches finite differences', () => {
    const rng = mulberry32(12);
    const [N, V] = [5, 9];
    const logits = randomFloats(rng, N * V, 3);
    const targets = randomInts(rng, N, 0, V - 1);
    targets[1] = -1;
    const dlogp = randomFloats(rng, N);
    const dentropy = randomFloats(rng, N);
    const logp = new Float32Array(N);
    const entropy = new Float32Array(N);
    const dlogits = new Float32Array(N * V);
    logprobBackward(dlogits, logits, targets, dlogp, dentropy, N, V);
    gradCheck({
      name: 'logprob',
      inputs: { logits },
      analytic: { logits: dlogits },
      probes: 30,
      loss: () => (
        logprobForward(logp, entropy, logits, targets, N, V),
        weightedSum(logp, dlogp) + weightedSum(entropy, dentropy)
      ),
    });
    expect(logp[1]).toBe(0);
    expect(entropy[1]).toBeGreaterThan(0);
  });

  it('entropy-only gradient of an ignored row matches finite differences', () => {
    const rng = mulberry32(14);
    const V = 6;
    const logits = randomFloats(rng, V, 2);
    const targets = new Int32Array([-1]);
    const logp = new Float32Array(1);
    const entropy = new Float32Array(1);
    const dlogits = new Float32Array(V);
    logprobBackward(dlogits, logits, targets, new Float32Array([5]), new Float32Array([1]), 1, V);
    gradCheck({
      name: 'entropy',
      inputs: { logits },
      analytic: { logits: dlogits },
      probes: V,
      loss: () => (logprobForward(logp, entropy, logits, targets, 1, V), entropy[0]),
    });
  });
});
