// What the step-through shows of a step's updates: every update's per-token inputs and terms gathered
// from its rows of the padded batch (a mini-batch starts at its own row) to the response tokens of each
// response, one entry per epoch; and the samples read from the sampled batch.
import { describe, expect, it } from 'vitest';
import { samplesOf, updatesOf } from '../../src/run/step-stages';
import type { SequenceBatch } from '../../src/rl/rl-batch';
import type { UpdateReport } from '../../src/rl/rl-loop';

// 3 rows: prompt lengths 2, 3, 2 (BOS included); responses of 2, 1 and 3 tokens; padded length T = 4.
const batch: SequenceBatch = {
  S: 3,
  Tmax: 6,
  seqs: Int32Array.from([1, 5, 7, 8, 0, 0, 1, 5, 6, 9, 0, 0, 1, 4, 7, 7, 2, 0]),
  promptLens: Int32Array.from([2, 3, 2]),
  lengths: Int32Array.from([4, 4, 5]),
};
const T = 4;

/** An update of rows [row0, row0 + rows) whose every per-token value is 100*epoch + 10*row + t (terms: + k/10). */
function report(row0: number, rows: number, epoch: number): UpdateReport {
  const val = (r: number, t: number) => 100 * epoch + 10 * (row0 + r) + t;
  const per = (f: (r: number, t: number) => number) =>
    Float32Array.from({ length: rows * T }, (_, n) => f(Math.floor(n / T), n % T));
  const terms = Float32Array.from(
    { length: rows * T * 4 },
    (_, i) => val(Math.floor(i / 4 / T), ((i / 4) % T) | 0) + (i % 4) / 10,
  );
  return {
    row0,
    weight: per(val),
    mask: per(() => 1),
    rep: { terms, entropy: per(val), gradNorm: 1, logps: { logp: per(val), logpOld: per(val), logpRef: per(val) } },
  };
}

describe('the step-through stages', () => {
  it('gathers every update of every epoch to its responses, mini-batch rows from their own offset', () => {
    const reports = [report(0, 2, 1), report(2, 1, 1), report(0, 2, 2), report(2, 1, 2)];
    const u = updatesOf(batch, T, reports, 2);
    expect(u.map((x) => x.map((e) => e.epoch))).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    // response token j of row s sits at t = promptLen + j - 1
    expect(u[0][0].logp).toEqual([101, 102]); // row 0: t = 1, 2
    expect(u[1][1].logpOld).toEqual([212]); // row 1, epoch 2: t = 2
    expect(u[2][0].weight).toEqual([121, 122, 123]); // row 2 in its own mini-batch: t = 1, 2, 3
    expect(u[2][1].kl.map((x) => Math.round(x * 10) / 10)).toEqual([221.1, 222.1, 223.1]);
    expect(u[2][1].clipHigh.map((x) => Math.round(x * 10) / 10)).toEqual([221.3, 222.3, 223.3]);
  });

  it('reads the responses of the sampled batch', () => {
    const s = samplesOf(batch, ['a', 'b', 'c'], [false, true, false]);
    expect(s.map((x) => x.tokens)).toEqual([[7, 8], [9], [7, 7, 2]]);
    expect(s[1].truncated).toBe(true);
  });

  it('refuses updates that were not read back in detail', () => {
    const r = report(0, 3, 1);
    delete r.rep.logps;
    expect(() => updatesOf(batch, T, [r], 1)).toThrow(/detail/);
  });
});
