// One arm's (and stage's) held-out figures as the bars draw them: the verifier's share of steps right
// in order (when the problems' steps are known), pass@1 and pass@k, the held-out judge score; the top of
// their value axis, and labels cut to fit.

export interface PassBar {
  label: string; // arm (and stage)
  color: string;
  p1: number;
  pk: number;
  p1Half?: number; // half-width of the 95% interval over seeds (none, or NaN, with one seed)
  pkHalf?: number;
  steps?: number; // the verifier: mean share of a problem's steps right in order
  stepsHalf?: number;
  judge?: number; // the held-out judge score (0..1; mean over seeds), beside the verifier's figures
}

/** A bar's value as the bars write it: a percentage to one decimal, or a dash when there is none. */
export function barPercent(v: number | undefined): string {
  return v !== undefined && Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '–';
}

/** A 95% interval's half-width after its value (" ± 4.0", in points), or nothing when there is none. */
export function barHalf(h: number | undefined): string {
  return h !== undefined && Number.isFinite(h) ? ` ± ${(100 * h).toFixed(1)}` : '';
}

/** A label cut to `max` characters with an ellipsis (the whole one goes in the bar's tooltip). */
export function fitLabel(label: string, max: number): string {
  return label.length <= max ? label : `${label.slice(0, Math.max(1, max - 1)).trimEnd()}…`;
}

const MIN_TOP = 0.05; // all-zero bars still get an axis (and room for their "0.0%" labels)
const HEADROOM = 1.15; // room above the longest bar and its interval for the value label

/** The value axis's top: beyond every bar and its interval; an interval that is not finite (one seed) is left out. */
export function barsTop(bars: readonly PassBar[]): number {
  const reach = (v: number | undefined, half: number | undefined) =>
    (Number.isFinite(v) ? (v as number) : 0) + (half !== undefined && Number.isFinite(half) ? half : 0);
  return (
    Math.max(
      MIN_TOP,
      ...bars.flatMap((b) => [reach(b.p1, b.p1Half), reach(b.pk, b.pkHalf), reach(b.steps, b.stepsHalf)]),
    ) * HEADROOM
  );
}
