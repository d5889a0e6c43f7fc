// uPlot's data from metric columns: a missing value (NaN, e.g. an arm without that metric, or a step
// one run has and another lacks) becomes null, which uPlot draws as a gap. Left as NaN it would poison
// the auto-ranged axis (its min and max become NaN) and blank the whole chart.

import type uPlot from 'uplot';

export function plotData(columns: readonly ArrayLike<number | null | undefined>[]): uPlot.AlignedData {
  return columns.map((col) =>
    Array.from(col, (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null)),
  ) as unknown as uPlot.AlignedData;
}
