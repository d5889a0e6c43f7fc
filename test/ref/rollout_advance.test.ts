// Hand-computed cases of the lockstep rollout step: prompts of different lengths read in lockstep,
// EOS, the new-token limit, the cache limit, and rows that ended staying untouched.
import { describe, it, expect } from 'vitest';
import { rolloutAdvance } from '../../src/ref/rollout_advance';

const EOS = 2,
  PAD = 0;

/** Runs the step for each `next` (S tokens per step) from position 0 and returns the state. */
function simulate(prompts: number[][], steps: number[][], Tmax: number, maxNewTokens: number) {
  const S = prompts.length;
  const seqs = new Int32Array(S * Tmax).fill(PAD);
  prompts.forEach((p, s) => seqs.set(p, s * Tmax));
  const promptLens = Int32Array.from(prompts.map((p) => p.length));
  const lengths = promptLens.slice();
  const done = new Uint32Array(S),
    truncated = new Uint32Array(S),
    counter = new Uint32Array(1);
  for (const next of steps)
    rolloutAdvance(
      seqs,
      lengths,
      done,
      truncated,
      Int32Array.from(next),
      promptLens,
      counter,
      S,
      Tmax,
      EOS,
      maxNewTokens,
    );
  const rows = prompts.map((_, s) => Array.from(seqs.subarray(s * Tmax, (s + 1) * Tmax)));
  return {
    rows,
    lengths: Array.from(lengths),
    done: Array.from(done),
    truncated: Array.from(truncated),
    t: counter[0],
  };
}

describe('ref rollout_advance', () => {
  it('rows read their prompts in lockstep and generate after them; EOS ends a row', () => {
    // Row 0: prompt [1], row 1: prompt [1,5,6]. Step t samples for every row; only rows past their prompt keep it.
    const r = simulate(
      [[1], [1, 5, 6]],
      [
        [7, 9],
        [EOS, 9],
        [8, 3],
        [8, EOS],
      ],
      10,
      5,
    );
    expect(r.rows[0]).toEqual([1, 7, EOS, PAD, PAD, PAD, PAD, PAD, PAD, PAD]); // done after t = 1: t = 2, 3 ignored
    expect(r.rows[1]).toEqual([1, 5, 6, 3, EOS, PAD, PAD, PAD, PAD, PAD]); // t = 0, 1 still prompt
    expect(r.lengths).toEqual([3, 5]);
    expect(r.done).toEqual([1, 1]);
    expect(r.truncated).toEqual([0, 0]);
    expect(r.t).toBe(4);
  });

  it('a row ends truncated at maxNewTokens new tokens without EOS', () => {
    const r = simulate(
      [[1, 4], [1]],
      [
        [5, 5],
        [6, 6],
        [7, 7],
        [8, 8],
      ],
      10,
      2,
    );
    expect(r.rows[0].slice(0, 5)).toEqual([1, 4, 6, 7, PAD]);
    expect(r.rows[1].slice(0, 4)).toEqual([1, 5, 6, PAD]);
    expect(r.lengths).toEqual([4, 3]);
    expect(r.done).toEqual([1, 1]);
    expect(r.truncated).toEqual([1, 1]);
  });

  it('EOS as the last allowed token is an EOS ending, not a truncation', () => {
    const r = simulate([[1]], [[5], [EOS]], 10, 2);
    expect(r.rows[0].slice(0, 3)).toEqual([1, 5, EOS]);
    expect(r.done).toEqual([1]);
    expect(r.truncated).toEqual([0]);
  });

  it('the cache length ends a row, truncated, with Tmax tokens', () => {
    const r = simulate([[1, 3]], [[9], [4], [5], [6]], 4, 100);
    expect(r.rows[0]).toEqual([1, 3, 4, 5]); // 9 came while reading the prompt; 6 after the end
    expect(r.lengths).toEqual([4]);
    expect(r.done).toEqual([1]);
    expect(r.truncated).toEqual([1]);
  });

  it('a prompt that fills the cache ends truncated without a write; done rows are untouched', () => {
    const Tmax = 3;
    const seqs = Int32Array.from([1, 2, 3, 1, 4, PAD]);
    const lengths = Int32Array.from([3, 2]);
    const done = Uint32Array.from([0, 1]),
      truncated = new Uint32Array(2);
    const counter = Uint32Array.from([2]);
    rolloutAdvance(
      seqs,
      lengths,
      done,
      truncated,
      Int32Array.from([8, 8]),
      Int32Array.from([3, 2]),
      counter,
      2,
      Tmax,
      EOS,
      5,
    );
    expect(Array.from(seqs)).toEqual([1, 2, 3, 1, 4, PAD]);
    expect(Array.from(lengths)).toEqual([3, 2]);
    expect(Array.from(done)).toEqual([1, 1]);
    expect(Array.from(truncated)).toEqual([1, 0]);
    expect(counter[0]).toBe(3);
  });
});
