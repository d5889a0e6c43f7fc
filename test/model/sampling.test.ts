// Rollout sampling on the GPU: EOS endings and early stop, the new-token and cache length limits
// (truncated flags), prompts of different lengths never overwritten, reproducibility for a seed and
// independence from the chunk size, and every sampled token checked against the CPU sampler applied
// to the full forward pass's logits at its position (decode, RNG counter and bookkeeping together).
import { describe, it, expect } from 'vitest';
import { GpuModel } from '../../src/model/gpu-model';
import { GpuDecoder } from '../../src/model/decode';
import { buildLayout, type ParamLayout } from '../../src/model/params';
import type { ModelConfig } from '../../src/model/config';
import { sampleRollouts, rolloutSteps, PAD_TOKEN, type RolloutOptions, type Rollouts } from '../../src/model/sampling';
import { sampleRow, rngUniform } from '../../src/ref/sample';
import { upload } from '../../src/gpu/buffers';
import { mulberry32, randomFloats, randomInts } from '../../src/util/rng';
import { testGpu, run, fromGpu } from '../helpers/gpu';

const BOS = 1,
  EOS = 2;
const HAND: ModelConfig = { vocabSize: 12, contextLength: 24, dModel: 16, nLayers: 1, nHeads: 2, mlpWidth: 16 };

/**
 * A model whose next token is its input token repeated while the input position is < P, then EOS:
 * one-hot embeddings, blocks that add nothing, and wpe[t >= P] a large EOS direction. The final
 * LayerNorm gain of 10 makes the winner ~40 logits ahead, so sampling at temperature 1 is certain.
 */
function repeatThenEos(c: ModelConfig, L: ParamLayout, P: number): Float32Array {
  const w = new Float32Array(L.total);
  const C = c.dModel;
  for (let v = 0; v < c.vocabSize; v++) w[L.wte.offset + v * C + v] = 1;
  for (let t = P; t < c.contextLength; t++) w[L.wpe.offset + t * C + EOS] = 10;
  w.fill(10, L.lnfw.offset, L.lnfw.offset + C);
  return w;
}

/** What repeatThenEos generates after `prompt` within the limits: [row, truncated]. */
function expected(prompt: number[], P: number, Tmax: number, maxNew: number): [number[], boolean] {
  const row = prompt.slice();
  while (row.length < Tmax && row.length - prompt.length < maxNew) {
    const t = row.length - 1;
    row.push(t >= P ? EOS : row[t]);
    if (row[row.length - 1] === EOS) return [row, false];
  }
  return [row, true];
}

function rowOf(r: Rollouts, s: number, Tmax: number): number[] {
  return Array.from(r.seqs.subarray(s * Tmax, s * Tmax + r.lengths[s]));
}

/** Everything past each row's length is PAD. */
function expectPadded(r: Rollouts, Tmax: number): void {
  r.lengths.forEach((len, s) => {
    for (let i = len; i < Tmax; i++) expect(r.seqs[s * Tmax + i]).toBe(PAD_TOKEN);
  });
}

const opts = (o: Partial<RolloutOptions>): RolloutOptions => ({
  temperature: 1,
  topK: 0,
  topP: 1,
  seed: 7,
  maxNewTokens: 20,
  eosId: EOS,
  chunk: 4,
  ...o,
});

describe('rollouts on the GPU', () => {
  it('stop at EOS, respect prompts of different lengths, and stop early', async () => {
    const g = await testGpu();
    const Tmax = 24,
      P = 6;
    const model = new GpuModel(g, HAND, 1, 1);
    upload(g.device, model.params, repeatThenEos(HAND, model.layout, P));
    const decoder = new GpuDecoder(g, model, 4, Tmax); // 3 prompts: the fourth row idles
    const prompts = [[BOS], [BOS, 3, 4], [BOS, 5, 6, 7, 8, 9, 10, 11]];
    const r = await sampleRollouts(
      g,
      model,
      decoder,
      prompts.map((p) => Int32Array.from(p)),
      opts({}),
    );
    prompts.forEach((p, s) => {
      const [row, trunc] = expected(p, P, Tmax, 20);
      expect(rowOf(r, s, Tmax)).toEqual(row);
      expect(r.truncated[s]).toBe(trunc ? 1 : 0);
      expect(r.promptLens[s]).toBe(p.length);
    });
    expect(rowOf(r, 0, Tmax)).toEqual([BOS, BOS, BOS, BOS, BOS, BOS, BOS, EOS]);
    expect(rowOf(r, 2, Tmax)).toEqual([...prompts[2], EOS]); // its prompt already reaches P
    expectPadded(r, Tmax);
    // The last row ends at step t = 7; chunks of 4 stop after 8 steps instead of 23.
    expect(rolloutSteps(r.promptLens, 20, Tmax)).toBe(23);
    expect(r.steps).toBe(8);
    decoder.destroy();
    model.destroy();
  });

  it('stop at maxNewTokens and at the cache length, with the truncated flag', async () => {
    const g = await testGpu();
    const model = new GpuModel(g, HAND, 1, 1);
    const prompts = [[BOS], [BOS, 3, 4], [BOS, 5, 6, 7, 8, 9, 10, 11]];
    for (const [Tmax, P, maxNew] of [
      [24, 6, 3],
      [10, 24, 50],
    ]) {
      upload(g.device, model.params, repeatThenEos(HAND, model.layout, P));
      const decoder = new GpuDecoder(g, model, 3, Tmax);
      const r = await sampleRollouts(
        g,
        model,
        decoder,
        prompts.map((p) => Int32Array.from(p)),
        opts({ temperature: 0, maxNewTokens: maxNew, chunk: 16 }),
      );
      prompts.forEach((p, s) => {
        const [row, trunc] = expected(p, P, Tmax, maxNew);
        expect(rowOf(r, s, Tmax)).toEqual(row);
        expect(r.truncated[s]).toBe(trunc ? 1 : 0);
      });
      if (maxNew === 3) {
        expect(Array.from(r.lengths)).toEqual([4, 6, 9]); // two rows cut at 3 new tokens, one ended by EOS
        expect(Array.from(r.truncated)).toEqual([1, 1, 0]);
      } else {
        expect(Array.from(r.lengths)).toEqual([Tmax, Tmax, Tmax]); // no EOS before the cache is full
        expect(Array.from(r.truncated)).toEqual([1, 1, 1]);
      }
      expectPadded(r, Tmax);
      decoder.destroy();
    }
    model.destroy();
  });

  it('are reproducible for a seed, independent of the chunk size, and sample the model at every position', async () => {
    const g = await testGpu();
    const c: ModelConfig = { vocabSize: 37, contextLength: 20, dModel: 24, nLayers: 2, nHeads: 3, mlpWidth: 52 };
    const S = 5,
      Tmax = 18,
      V = c.vocabSize;
    const model = new GpuModel(g, c, S, Tmax);
    upload(g.device, model.params, randomFloats(mulberry32(4), buildLayout(c).total, 0.4));
    const decoder = new GpuDecoder(g, model, S, Tmax);
    const rng = mulberry32(5);
    const prompts = [1, 4, 2, 7, 1].map((n) => Int32Array.from([BOS, ...randomInts(rng, n - 1, 3, V - 1)]));
    const o = opts({ temperature: 0.9, topK: 20, topP: 0.95, seed: 123, maxNewTokens: 9, eosId: 10, chunk: 3 });
    const a = await sampleRollouts(g, model, decoder, prompts, o);
    const b = await sampleRollouts(g, model, decoder, prompts, { ...o, chunk: 1 });
    const other = await sampleRollouts(g, model, decoder, prompts, { ...o, seed: 124 });
    expect(Array.from(b.seqs)).toEqual(Array.from(a.seqs));
    expect(Array.from(b.lengths)).toEqual(Array.from(a.lengths));
    expect(Array.from(other.seqs)).not.toEqual(Array.from(a.seqs));
    for (const r of [a, other]) {
      expect(new Set(r.truncated).size).toBe(2); // rows ended both ways (this seed and eosId)
      expectPadded(r, Tmax);
      prompts.forEach((p, s) => {
        expect(Array.from(r.seqs.subarray(s * Tmax, s * Tmax + p.length))).toEqual(Array.from(p));
        const completion = rowOf(r, s, Tmax).slice(p.length);
        const eosAt = completion.indexOf(o.eosId);
        if (r.truncated[s]) {
          expect(eosAt).toBe(-1);
          expect(r.lengths[s]).toBe(Math.min(Tmax, p.length + o.maxNewTokens));
        } else {
          expect(eosAt).toBe(completion.length - 1);
        }
      });
    }
    // Every sampled token is the CPU sampler's pick from the full forward's logits at its position,
    // with the draw u = hash(seed, row, t) at position t.
    upload(g.device, model.tokens, a.seqs);
    await run(g, model.forward(S, Tmax));
    const logits = await fromGpu(g, model.acts.logits, S * Tmax * V);
    let checked = 0;
    prompts.forEach((p, s) => {
      for (let t = p.length - 1; t < a.lengths[s] - 1; t++) {
        const row = logits.subarray((s * Tmax + t) * V, (s * Tmax + t + 1) * V);
        expect(a.seqs[s * Tmax + t + 1]).toBe(sampleRow(row, V, o, rngUniform(o.seed, s, t)));
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(15);
    decoder.destroy();
    model.destroy();
  });
});
