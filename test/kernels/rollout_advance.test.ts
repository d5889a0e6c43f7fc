// Rollout step kernel against the CPU reference: random mixes of done, prompt-reading and generating
// rows over several consecutive steps in one submission (the counter advances on the GPU), row
// counts that fit no workgroup, a single row, and the last positions of the cache.
import { describe, it, expect } from 'vitest';
import * as ref from '../../src/ref/rollout_advance';
import * as gpuK from '../../src/kernels/rollout_advance';
import { mulberry32, randomInts } from '../../src/util/rng';
import { testGpu, toGpu, fromGpuI32, run } from '../helpers/gpu';
import { readU32 } from '../../src/gpu/buffers';
import { assertClose } from '../helpers/compare';

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
      const g = await testGpu();
      const rng = mulberry32(S * 31 + Tmax);
      const eosId = 2;
      const seqs = randomInts(rng, S * Tmax, 0, 9);
      const promptLens = randomInts(rng, S, 1, Math.min(Tmax - 1, t0 + 4));
      const lengths = promptLens.slice();
      const done = new Uint32Array(S).map(() => (rng() < 0.2 ? 1 : 0));
      const truncated = new Uint32Array(S).map((_, s) => (done[s] && rng() < 0.5 ? 1 : 0));
      const counter = new Uint32Array([t0]);
      const bSeqs = toGpu(g, seqs), bLen = toGpu(g, lengths), bDone = toGpu(g, done), bTrunc = toGpu(g, truncated);
      const bPl = toGpu(g, promptLens), bCounter = toGpu(g, counter);
      // One next-token buffer per step, each with EOS for about a quarter of the rows.
      const nexts: Int32Array[] = [];
      const dispatches = [];
      for (let k = 0; k < steps; k++) {
        const next = randomInts(rng, S, 0, 9).map((v) => (rng() < 0.25 ? eosId : v));
        nexts.push(next);
        dispatches.push(...gpuK.rolloutAdvance(g, bSeqs, bLen, bDone, bTrunc, toGpu(g, next), bPl, bCounter, S, Tmax, eosId, maxNew));
      }
      await run(g, dispatches);
      for (const next of nexts) ref.rolloutAdvance(seqs, lengths, done, truncated, next, promptLens, counter, S, Tmax, eosId, maxNew);
      assertClose('seqs', await fromGpuI32(g, bSeqs, S * Tmax), seqs, 0, 0);
      assertClose('lengths', await fromGpuI32(g, bLen, S), lengths, 0, 0);
      assertClose('done', await readU32(g.device, bDone, S), done, 0, 0);
      assertClose('truncated', await readU32(g.device, bTrunc, S), truncated, 0, 0);
      expect((await readU32(g.device, bCounter, 1))[0]).toBe(t0 + steps);
      done.forEach((d, s) => {
        if (d === 1 && lengths[s] > promptLens[s]) seen.add(truncated[s] ? 'truncated' : 'eos');
      });
    });
  }

  it('the cases above ended rows both by EOS and by the length limit', () => {
    expect([...seen].sort()).toEqual(['eos', 'truncated']);
  });
});
