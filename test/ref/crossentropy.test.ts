// Finite-difference check of the cross-entropy CPU reference backward, with per-token weights and an
// ignored (negative-target) row, and the loss of an ignored row.
import { describe, it, expect } from 'vitest';
import { crossentropyForward, crossentropyBackward } from '../../src/ref/crossentropy';
import { mulberry32, randomFloats, randomInts } from '../../src/util/rng';
import { gradCheck, weightedSum } from '../helpers/gradcheck';

describe('ref crossentropy', () => {
  it('backward matches finite differences', () => {
    const rng = mulberry32(10);
    const [N, V] = [5, 9];
    const logits = randomFloats(rng, N * V, 3);
    const targets = randomInts(rng, N, 0, V - 1);
    targets[2] = -1; // ignored row: zero loss, zero gradient
    const dlosses = randomFloats(rng, N);
    const losses = new Float32Array(N);
    const dlogits = new Float32Array(N * V);
    crossentropyBackward(dlogits, logits, targets, dlosses, N, V);
    for (let v = 0; v < V; v++) expect(dlogits[2 * V + v]).toBe(0);
    gradCheck({
      name: 'crossentropy',
      inputs: { logits },
      analytic: { logits: dlogits },
      probes: 30,
      loss: () => (crossentropyForward(losses, logits, targets, N, V), weightedSum(losses, dlosses)),
    });
    expect(losses[2]).toBe(0);
  });

  it('rejects a target >= V', () => {
    expect(() => crossentropyForward(new Float32Array(1), new Float32Array(3), new Int32Array([3]), 1, 3)).toThrow(
      RangeError,
    );
  });
});
