// What an update changed, token by token: the log-probability of every sampled token after the update
// minus before it (both from forward passes over the same batch), and the largest rises and drops of
// the batch. Pure functions on per-response arrays (gatherResponse's layout), no GPU.

/** One token's change, located by response (trace) and token index. */
export interface TokenChange {
  trace: number;
  token: number;
  before: number;
  after: number;
  delta: number; // after - before
}

/** Per response token: after - before. */
export function logprobDeltas(before: ArrayLike<number>[], after: ArrayLike<number>[]): number[][] {
  if (before.length !== after.length) throw new Error(`${before.length} responses before, ${after.length} after`);
  return before.map((b, s) => {
    if (after[s].length !== b.length)
      throw new Error(`response ${s}: ${b.length} log-probs before the update, ${after[s].length} after`);
    return Array.from(b, (x, j) => after[s][j] - x);
  });
}

/** The n largest rises and the n largest drops of the batch (largest first). */
export function largestChanges(
  before: ArrayLike<number>[],
  after: ArrayLike<number>[],
  n: number,
): { rises: TokenChange[]; drops: TokenChange[] } {
  const all: TokenChange[] = logprobDeltas(before, after).flatMap((row, trace) =>
    row.map((delta, token) => ({ trace, token, before: before[trace][token], after: after[trace][token], delta })),
  );
  const rises = all.filter((c) => c.delta > 0).sort((a, b) => b.delta - a.delta);
  const drops = all.filter((c) => c.delta < 0).sort((a, b) => a.delta - b.delta);
  return { rises: rises.slice(0, n), drops: drops.slice(0, n) };
}
