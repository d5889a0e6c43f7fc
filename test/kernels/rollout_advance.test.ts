// Rollout step kernel against the CPU reference: random mixes of done, prompt-reading and generating
// rows over several consecutive steps in one submission (the counter advances on the GPU), row
// counts that fit no workgroup, a single row, and the last positions of the cache.
import { describe, it, expect } from 'vitest';
import * as ref from '../../src/ref/rollout_advance';
import * as gpuK from '../../src/kernels/rollout_advance';
import { mulberry32, randomInts } from '../../src/util/rng';
import { checkOp, EXACT } from '../helpers/op-check';

// [S, Tmax, first t, steps, maxNewTokens]
const cases: [number, number, number, number, number][] = [
  [1, 4, 0, 4, 2],
  [7, 12, 0, 11, 5],
  [65, 20, 3, 8, 4],
  [300, 9, 5, 5, 100], // runs into Tmax, then past it
];

describe('kernel rollout_advance', () => {
  const seen = new Set<string>(); // how generating rows ended, over all cases
  for (const [S, Tmax, t0, steps, maxNew] of cases) {
    it(`S=${S} Tmax=${Tmax} t=${t0}..${t0 + steps - 1} maxNewTokens=${maxNew}`, async () => {
      const rng = mulberry32(S * 31 + Tmax);
      const eosId = 2;
      const seqs = randomInts(rng, S * Tmax, 0, 9); // (S,Tmax)
      const promptLens = randomInts(rng, S, 1, Math.min(Tmax - 1, t0 + 4)); // (S)
      const done = new Uint32Array(S).map(() => (rng() < 0.2 ? 1 : 0)); // (S)
      const truncated = new Uint32Array(S).map((_, s) => (done[s] && rng() < 0.5 ? 1 : 0)); // (S)
      // One next-token buffer (S) per step, each with EOS for about a quarter of the rows.
      const nexts = Array.from({ length: steps }, () =>
        randomInts(rng, S, 0, 9).map((v) => (rng() < 0.25 ? eosId : v)),
      );
      const inputs: Record<string, Int32Array> = {
        promptLens,
        ...Object.fromEntries(nexts.map((n, k) => [`next${k}`, n])),
      };
      const { want } = await checkOp({
        name: `rollout_advance S=${S} Tmax=${Tmax}`,
        inputs,
        outputs: { seqs, lengths: promptLens.slice(), done, truncated, counter: Uint32Array.of(t0) },
        ref: (a) => {
          for (const next of nexts)
            ref.rolloutAdvance(
              a.seqs,
              a.lengths,
              a.done,
              a.truncated,
              next,
              a.promptLens,
              a.counter,
              S,
              Tmax,
              eosId,
              maxNew,
            );
        },
        gpu: (g, b) =>
          nexts.flatMap((_, k) =>
            gpuK.rolloutAdvance(
              g,
              b.seqs,
              b.lengths,
              b.done,
              b.truncated,
              b[`next${k}`],
              b.promptLens,
              b.counter,
              S,
              Tmax,
              eosId,
              maxNew,
            ),
          ),
        forwardTol: EXACT,
      });
      expect(want.counter[0]).toBe(t0 + steps);
      want.done.forEach((d, s) => {
        if (d === 1 && want.lengths[s] > promptLens[s]) seen.add(want.truncated[s] ? 'truncated' : 'eos');
      });
    });
  }

  it('the cases above ended rows both by EOS and by the length limit', () => {
    expect([...seen].sort()).toEqual(['eos', 'truncated']);
  });
});
