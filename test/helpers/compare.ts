// Element-wise closeness check: |got - want| <= atol + rtol * |want|. On failure the message names
// the worst index and lists the first mismatches, so a broken kernel says where it is wrong.

export function assertClose(
  name: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  atol: number,
  rtol: number,
): void {
  if (got.length !== want.length) throw new Error(`${name}: length ${got.length} != expected ${want.length}`);
  let worst = -1;
  let worstExcess = 0;
  const bad: string[] = [];
  let nBad = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    const tol = atol + rtol * Math.abs(w);
    const diff = Math.abs(g - w);
    if (!(diff <= tol)) {
      // NaN fails too
      nBad++;
      if (bad.length < 5)
        bad.push(`[${i}] got ${g} want ${w} (|diff| ${diff.toExponential(2)} > tol ${tol.toExponential(2)})`);
      const excess = Number.isNaN(diff) ? Infinity : diff - tol;
      if (excess > worstExcess || worst < 0) {
        worst = i;
        worstExcess = excess;
      }
    }
  }
  if (nBad > 0) {
    throw new Error(
      `${name}: ${nBad}/${want.length} elements out of tolerance (atol ${atol}, rtol ${rtol}); worst index ${worst}: ` +
        `got ${got[worst]} want ${want[worst]}\nfirst mismatches:\n  ${bad.join('\n  ')}`,
    );
  }
}
