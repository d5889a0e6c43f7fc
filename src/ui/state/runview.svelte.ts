// One run as the RL panels show it: its record, metric series, the traces of its recent steps (for the
// inspector), its held-out evaluation (and the progress of one in flight), the judge's counters, and
// its generations. Built from stored data (metrics, previews) and kept current from worker events.
// Also the arm colours (Okabe-Ito) and how the series of several runs share one step axis.

import type { MetricPoint, PreviewRecord, RunEvaluation, RunRecord } from '../../store/records';
import { rlSetupOf, TRACE_STEPS_KEPT, type JudgeStatsView, type TraceSet, type WorkerEvent } from '../../worker/api';
import { column, emaOf, mergePoints, seriesFrom, type SampleSet, type Series } from './live.svelte';

/** Okabe-Ito colours by arm; the order keeps sparse GRPO and ExpRL-Process far apart. */
const ARM_COLORS: Record<string, string> = {
  grpo: '#d55e00',
  process: '#0072b2',
  outcome: '#56b4e9',
  sft: '#e69f00',
  opsd: '#cc79a7',
  base: '#000000',
  'end-norm': '#009e73',
  'group-norm': '#009e73',
  'no-reference': '#cc79a7',
  'wrong-reference': '#e69f00',
  'noisy-judge': '#56b4e9',
};
const FALLBACK = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000'];
/** Line dashes of runs overlaid from the library, in turn (the runs shown live are solid). */
export const OVERLAY_DASHES: number[][] = [
  [8, 4],
  [2, 3],
  [10, 3, 2, 3],
];

export function armColor(arm: string | undefined, i: number): string {
  return (arm && ARM_COLORS[arm]) ?? FALLBACK[i % FALLBACK.length];
}

/** Line dashes of a run whose arm colour an earlier run shown already has (the ablations share hues). */
const SHARED_COLOR_DASHES: number[][] = [
  [3, 3],
  [12, 3, 3, 3],
  [1, 2],
];

/**
 * Each shown run's line: its arm's colour, and its own dash (an overlaid run) or, when an earlier run
 * has the same colour, a dash of its own, so that all eleven arms stay apart in one chart.
 */
export function lineStyles(views: readonly { arm: string | undefined; dash?: number[] }[]): {
  color: string;
  dash?: number[];
}[] {
  const seen = new Map<string, number>(); // colour -> runs drawn in it so far
  return views.map((v, i) => {
    const color = armColor(v.arm, i);
    const before = seen.get(color) ?? 0;
    seen.set(color, before + 1);
    const dash = v.dash ?? (before > 0 ? SHARED_COLOR_DASHES[(before - 1) % SHARED_COLOR_DASHES.length] : undefined);
    return dash ? { color, dash } : { color };
  });
}

export class RunView {
  run = $state<RunRecord>() as RunRecord;
  version = $state(0);
  traces = $state<TraceSet[]>([]); // oldest first, the last TRACE_STEPS_KEPT steps
  samples = $state<SampleSet[]>([]);
  evalProgress = $state<{ done: number; total: number } | undefined>();
  judge = $state<JudgeStatsView | undefined>();
  startupMs = $state<number | undefined>(); // Start -> first finished step (live runs only)
  series: Series;

  constructor(
    run: RunRecord,
    points: readonly MetricPoint[],
    previews: readonly PreviewRecord[] = [],
    readonly dash?: number[],
  ) {
    this.run = run;
    this.series = seriesFrom(points);
    this.traces = previews
      .filter((p) => p.kind === 'traces')
      .map((p) => p.data as TraceSet)
      .sort((a, b) => a.step - b.step);
    this.samples = previews
      .filter((p) => p.kind === 'samples')
      .map((p) => ({ step: p.step, ...(p.data as Omit<SampleSet, 'step'>) }))
      .sort((a, b) => b.step - a.step);
  }

  get arm(): string | undefined {
    return rlSetupOf(this.run)?.arm;
  }

  get label(): string {
    return this.run.name;
  }

  get evaluation(): RunEvaluation | undefined {
    return this.run.evaluation;
  }

  get step(): number {
    void this.version;
    const n = this.series.step.length;
    return n > 0 ? this.series.step[n - 1] : this.run.step;
  }

  latest(name: string): number | undefined {
    void this.version;
    const a = (this.series.values[name] ?? []).filter(Number.isFinite);
    return a.length > 0 ? a[a.length - 1] : undefined;
  }

  /** Applies the events about this run; true when something changed. */
  apply(events: readonly WorkerEvent[]): boolean {
    let changed = false;
    for (const e of events) {
      if (!('runId' in e ? e.runId === this.run.id : e.type === 'run' && e.run.id === this.run.id)) continue;
      changed = true;
      if (e.type === 'run') this.run = e.run;
      else if (e.type === 'metrics') {
        mergePoints(this.series, e.points);
        this.version++;
      } else if (e.type === 'traces') {
        this.traces = [...this.traces.filter((t) => t.step < e.traces.step), e.traces].slice(-TRACE_STEPS_KEPT);
      } else if (e.type === 'samples') {
        this.samples = [
          { step: e.step, temperature: e.temperature, samples: e.samples },
          ...this.samples.filter((x) => x.step !== e.step),
        ].slice(0, 4);
      } else if (e.type === 'eval') {
        this.evalProgress = e.result ? undefined : { done: e.done, total: e.total };
        if (e.result) this.run = { ...this.run, evaluation: e.result };
      } else if (e.type === 'judge') this.judge = e.stats;
      else if (e.type === 'startup') this.startupMs = e.report.ms;
    }
    return changed;
  }

  /** Cuts the series and traces back to a checkpoint (a resume trains the steps after it again). */
  truncate(step: number): void {
    const s = this.series;
    let keep = s.step.length;
    while (keep > 0 && s.step[keep - 1] > step) keep--;
    for (const arr of [s.step, s.time, ...Object.values(s.values)]) arr.length = keep;
    this.traces = this.traces.filter((t) => t.step <= step);
    this.version++;
  }
}

/** Several runs' values of one metric on a shared step axis (NaN where a run has no such step). */
export function aligned(views: readonly RunView[], name: string, ema = false): number[][] {
  const steps = [...new Set(views.flatMap((v) => v.series.step))].sort((a, b) => a - b);
  const index = new Map(steps.map((s, i) => [s, i]));
  const cols = views.map((v) => {
    const out = new Array<number>(steps.length).fill(NaN);
    const col = column(v.series, ema ? emaOf(name) : name);
    v.series.step.forEach((s, i) => (out[index.get(s)!] = col[i]));
    return out;
  });
  return [steps, ...cols];
}
