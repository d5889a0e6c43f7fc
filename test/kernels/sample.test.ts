// GPU sampling against exact distributions and the CPU reference: chi-square goodness of fit after
// temperature / top-k / top-p truncation, greedy = argmax, seeds, token-for-token agreement with
// src/ref/sample.ts, and multi-step decode loops (sample_tokens, then rollout_advance appending the
// token and advancing the counter) encoded many steps to one command buffer.
import { describe, expect, it } from 'vitest';
import * as ref from '../../src/ref/sample';
import * as gpuK from '../../src/kernels/sample';
import { rolloutAdvance } from '../../src/kernels/rollout_advance';
import { rolloutAdvance as refRolloutAdvance } from '../../src/ref/rollout_advance';
import { readU32 } from '../../src/gpu/buffers';
import { mulberry32, randomFloats } from '../../src/util/rng';
import { testGpu, toGpu, fromGpuI32, run } from '../helpers/gpu';
import type { Gpu } from '../../src/gpu/dispatch';
import { checkOp, EXACT } from '../helpers/op-check';

/** Upper 0.999 quantile of chi-square with df degrees of freedom (Wilson-Hilferty, within 1% here). */
function chi2Crit(df: number): number {
  const z = 3.0902; // standard normal 0.999 quantile
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

/** Chi-square statistic of counts against probabilities, over the cells with p > 0. */
function chi2(counts: number[], probs: ArrayLike<number>, n: number): { stat: number; df: number } {
  let stat = 0,
    cells = 0;
  for (let i = 0; i < counts.length; i++) {
    if (probs[i] <= 0) continue;
    stat += (counts[i] - n * probs[i]) ** 2 / (n * probs[i]);
    cells++;
  }
  return { stat, df: cells - 1 };
}

/**
 * Runs `steps` decode steps of S rows sampling from fixed `logits` in ONE submission: each step is
 * sample_tokens at position t = counter, then rollout_advance writing column t+1 and advancing t.
 * Every row has a one-token prompt, no EOS and room for every step. Returns the (S, steps) tokens.
 */
async function sampleSteps(g: Gpu, logits: Float32Array, S: number, V: number, p: ref.SampleParams, steps: number) {
  const Tmax = steps + 1;
  const ones = new Int32Array(S).fill(1);
  const bNext = toGpu(g, new Int32Array(S));
  const bCounter = toGpu(g, new Uint32Array(1));
  const bSeqs = toGpu(g, new Int32Array(S * Tmax));
  const sample = gpuK.sampleTokens(g, bNext, toGpu(g, logits), bCounter, S, V, p);
  const advance = rolloutAdvance(
    g,
    bSeqs,
    toGpu(g, ones),
    toGpu(g, new Uint32Array(S)),
    toGpu(g, new Uint32Array(S)),
    bNext,
    toGpu(g, ones),
    bCounter,
    S,
    Tmax,
    -1,
    steps,
  );
  const ds = [];
  for (let k = 0; k < steps; k++) ds.push(sample, ...advance);
  await run(g, ds);
  expect((await readU32(g.device, bCounter, 1))[0]).toBe(steps);
  const seqs = await fromGpuI32(g, bSeqs, S * Tmax);
  return seqs.filter((_, i) => i % Tmax !== 0); // (S, steps): column 0 is the prompt
}

describe('kernel sample: distribution', () => {
  // V = 12 fixed logits; each case keeps the top-p cut >= 0.02 from every cumulative sum
  const logits = Float32Array.from([0.3, 2.0, -1.0, 1.2, 0.0, 2.4, -0.5, 1.6, 0.8, -2.0, 1.0, 0.5]);
  const V = logits.length;
  const cases: ref.SampleParams[] = [
    { temperature: 1, topK: 0, topP: 1, seed: 11 },
    { temperature: 0.8, topK: 5, topP: 1, seed: 12 },
    { temperature: 1.3, topK: 0, topP: 0.77, seed: 13 },
    { temperature: 0.7, topK: 6, topP: 0.86, seed: 14 },
  ];
  for (const p of cases) {
    it(`chi-square T=${p.temperature} topK=${p.topK} topP=${p.topP}`, async () => {
      const g = await testGpu();
      const S = 1024,
        steps = 4,
        n = S * steps; // 4096 draws: 1024 rows x 4 counter values
      const all = new Float32Array(S * V);
      for (let s = 0; s < S; s++) all.set(logits, s * V);
      const toks = await sampleSteps(g, all, S, V, p, steps);
      const probs = ref.truncatedProbs(logits, V, p);
      const counts = new Array(V).fill(0);
      for (const t of toks) counts[t]++;
      // truncated tokens never appear
      for (let i = 0; i < V; i++) if (probs[i] === 0) expect(counts[i], `token ${i} is outside the kept set`).toBe(0);
      const { stat, df } = chi2(counts, probs, n);
      expect(stat, `chi2 ${stat.toFixed(1)} with ${df} df, counts ${counts}`).toBeLessThan(chi2Crit(df));
      // the test has power: the untruncated softmax at T=1 (or at T=0.5 for the first case) is rejected
      const wrong = ref.truncatedProbs(logits, V, {
        ...p,
        temperature: p.topK || p.topP < 1 ? 1 : 0.5,
        topK: 0,
        topP: 1,
      });
      const w = chi2(counts, wrong, n);
      expect(w.stat).toBeGreaterThan(chi2Crit(w.df));
      // and the setting is not degenerate near the nucleus cut
      if (p.topP < 1) {
        const kept = ref.truncatedProbs(logits, V, { ...p, topP: 1 });
        const sorted = Array.from(kept).sort((a, b) => b - a);
        let cum = 0;
        for (const q of sorted) ((cum += q), expect(Math.abs(cum - p.topP)).toBeGreaterThan(0.02));
      }
    });
  }

  it('tokens outside top-k / top-p never appear, V=1000', async () => {
    const g = await testGpu();
    const V = 1000,
      S = 256;
    const rng = mulberry32(3);
    const row = randomFloats(rng, V, 4);
    const all = new Float32Array(S * V);
    for (let s = 0; s < S; s++) all.set(row, s * V);
    for (const p of [
      { temperature: 1, topK: 10, topP: 1, seed: 5 },
      { temperature: 1, topK: 0, topP: 0.3, seed: 6 },
    ]) {
      const probs = ref.truncatedProbs(row, V, p);
      const keptCount = probs.filter((x) => x > 0).length;
      expect(keptCount).toBeGreaterThan(1);
      expect(keptCount).toBeLessThan(V / 4);
      const toks = await sampleSteps(g, all, S, V, p, 1);
      for (const t of toks) expect(probs[t], `token ${t} outside the kept set`).toBeGreaterThan(0);
      expect(new Set(toks).size).toBeGreaterThan(1);
    }
  });
});

describe('kernel sample: against the reference', () => {
  const settings: ref.SampleParams[] = [
    { temperature: 1, topK: 0, topP: 1, seed: 1 },
    { temperature: 0.6, topK: 7, topP: 1, seed: 2 },
    { temperature: 1.2, topK: 0, topP: 0.7, seed: 3 },
    { temperature: 0.9, topK: 40, topP: 0.95, seed: 4 },
  ];
  for (const [S, V] of [
    [1, 1],
    [3, 7],
    [17, 300],
    [4, 5000],
    [2, 40000],
  ]) {
    it(`same tokens as src/ref for the same draws, S=${S} V=${V}`, async () => {
      const g = await testGpu();
      const rng = mulberry32(S * 7 + V);
      const logits = randomFloats(rng, S * V, 3);
      const counter = Uint32Array.from([1234]);
      let mismatches = 0;
      for (const p of settings) {
        const bNext = toGpu(g, new Int32Array(S));
        await run(g, gpuK.sampleTokens(g, bNext, toGpu(g, logits), toGpu(g, counter), S, V, p));
        const got = await fromGpuI32(g, bNext, S);
        const want = new Int32Array(S);
        ref.sampleTokens(want, logits, counter, S, V, p);
        for (let s = 0; s < S; s++) {
          if (got[s] === want[s]) continue;
          mismatches++;
          // a disagreement is only allowed where u sits within float error of the CDF around GPU's token
          const probs = ref.truncatedProbs(logits.subarray(s * V, (s + 1) * V), V, p);
          const u = ref.rngUniform(p.seed, s, counter[0]);
          let before = 0;
          for (let i = 0; i < got[s]; i++) before += probs[i];
          const ok =
            got[s] >= 0 && got[s] < V && probs[got[s]] > 0 && u > before - 1e-4 && u < before + probs[got[s]] + 1e-4;
          expect(ok, `row ${s} (${JSON.stringify(p)}): gpu ${got[s]} ref ${want[s]} u ${u}`).toBe(true);
        }
      }
      expect(mismatches).toBeLessThanOrEqual(Math.floor((S * settings.length) / 100)); // rare by construction
    });
  }

  it('temperature 0 (and near 0) is argmax, lowest index on ties', async () => {
    const g = await testGpu();
    const S = 9,
      V = 301;
    const rng = mulberry32(9);
    const logits = Float32Array.from({ length: S * V }, () => Math.round(rng() * 40) * 0.5); // many ties below
    for (let s = 0; s < S; s++) logits[s * V + Math.floor(rng() * V)] = 30; // a clear maximum, 10 above the rest
    logits[2 * V + 17] = logits[2 * V + 250] = 100; // a tie for the max in row 2
    logits[5 * V + 0] = logits[5 * V + 300] = 100; // at both ends in row 5
    const want = new Int32Array(S);
    ref.sampleTokens(want, logits, new Uint32Array(1), S, V, { temperature: 0, topK: 0, topP: 1, seed: 0 });
    expect(want[2]).toBe(17);
    expect(want[5]).toBe(0);
    for (const temperature of [0, 1e-7, 0.01]) {
      const bNext = toGpu(g, new Int32Array(S));
      await run(
        g,
        gpuK.sampleTokens(g, bNext, toGpu(g, logits), toGpu(g, new Uint32Array(1)), S, V, {
          temperature,
          topK: 0,
          topP: 1,
          seed: 3,
        }),
      );
      const got = await fromGpuI32(g, bNext, S);
      // with T = 0.01 only the tied rows may pick the other maximum
      for (let s = 0; s < S; s++)
        if (temperature < 0.01 || (s !== 2 && s !== 5)) expect(got[s], `row ${s} T=${temperature}`).toBe(want[s]);
    }
  });

  it('the same seed gives the same tokens, another seed or row other ones', async () => {
    const g = await testGpu();
    const S = 64,
      V = 50;
    const row = Float32Array.from({ length: V }, (_, i) => Math.sin(i)); // broad distribution
    const all = new Float32Array(S * V);
    for (let s = 0; s < S; s++) all.set(row, s * V);
    const p = { temperature: 1, topK: 0, topP: 1, seed: 2024 };
    const a = await sampleSteps(g, all, S, V, p, 3);
    const b = await sampleSteps(g, all, S, V, p, 3);
    const c = await sampleSteps(g, all, S, V, { ...p, seed: 2025 }, 3);
    expect(Array.from(b)).toEqual(Array.from(a));
    const differ = a.filter((t, i) => t !== c[i]).length;
    expect(differ).toBeGreaterThan(a.length / 2);
    expect(new Set(a).size).toBeGreaterThan(20); // rows and steps are different streams
  });
});

describe('kernel sample: a decode loop', () => {
  it('12 steps of sample_tokens + rollout_advance in one command buffer match the reference step by step', async () => {
    const S = 8,
      V = 6,
      Tmax = 16,
      eos = 0,
      maxNew = 6,
      steps = 12;
    const rng = mulberry32(21);
    const logits = randomFloats(rng, S * V, 1.5); // EOS (token 0) has a fair chance in every row
    const promptLens = Int32Array.from([1, 3, 2, 4, 1, 2, 5, 3]); // (S) read in lockstep, then generation
    const seqs = new Int32Array(S * Tmax); // (S,Tmax)
    for (let s = 0; s < S; s++) for (let t = 0; t < promptLens[s]; t++) seqs[s * Tmax + t] = 5;
    const p = { temperature: 1, topK: 4, topP: 0.95, seed: 77 };
    const { want } = await checkOp({
      name: 'decode loop',
      inputs: { logits, promptLens },
      outputs: {
        seqs,
        lengths: promptLens.slice(),
        done: Uint32Array.from([0, 0, 0, 0, 0, 0, 1, 0]), // row 6 is padding: ended before the start
        truncated: new Uint32Array(S),
        counter: new Uint32Array(1),
        next: new Int32Array(S), // scratch: the sampled token of the last step
      },
      ref: (a) => {
        for (let k = 0; k < steps; k++) {
          ref.sampleTokens(a.next, a.logits, a.counter, S, V, p);
          refRolloutAdvance(
            a.seqs,
            a.lengths,
            a.done,
            a.truncated,
            a.next,
            a.promptLens,
            a.counter,
            S,
            Tmax,
            eos,
            maxNew,
          );
        }
      },
      gpu: (g, b) => {
        const sample = gpuK.sampleTokens(g, b.next, b.logits, b.counter, S, V, p);
        const advance = rolloutAdvance(
          g,
          b.seqs,
          b.lengths,
          b.done,
          b.truncated,
          b.next,
          b.promptLens,
          b.counter,
          S,
          Tmax,
          eos,
          maxNew,
        );
        return Array.from({ length: steps }, () => [sample, ...advance]).flat();
      },
      forwardTol: EXACT,
      tol: { next: null },
    });
    const { lengths, done, truncated } = want;
    expect(want.counter[0]).toBe(steps);
    // The loop exercised both endings and kept the padding row as it was.
    const generated = (s: number) => s !== 6 && lengths[s] > promptLens[s];
    expect(Array.from(done).filter((d, s) => generated(s) && d === 1 && truncated[s] === 0).length).toBeGreaterThan(0); // EOS
    expect(Array.from(truncated).filter((x, s) => generated(s) && x === 1).length).toBeGreaterThan(0); // maxNewTokens
    expect(lengths[6]).toBe(5);
    expect(Array.from(want.seqs.subarray(6 * Tmax, 7 * Tmax))).toEqual([
      5, 5, 5, 5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
  });
});
