// The page's view of one pre-training run (PretrainView): its record, its metric series (for the
// charts), recent generations, progress and time left; and the metric series helpers the RL views
// share. Series are plain arrays behind a version counter, so ten updates a second stay cheap; steps
// redone after a resume from an older checkpoint replace the ones they redo.

import type { MetricPoint, RunRecord } from '../../store/records';
import { currentMetricName, setupOf, type Sample, type WorkerEvent } from '../../worker/api';
import { CORPORA } from '../../run/corpus';

/** Metric series of a run, keyed by metric name (src/run/metric-names.ts), aligned with `step`: a
 *  metric a point lacks is NaN there. Smoothed metrics also have `emaOf(name)`. */
export interface Series {
  step: number[];
  time: number[]; // wall clock (ms) when the step finished
  values: Record<string, number[]>;
}

export interface SampleSet {
  step: number;
  temperature: number;
  samples: Sample[];
}

export const EMA = 0.9; // smoothing of trend lines (an exponential moving average: each point keeps 90% of the last)
const SMOOTHED: readonly string[] = ['pretrain/loss', 'sft/loss', 'rl/reward', 'rl/dense_reward', 'rl/correct'];
const KEEP_SAMPLE_SETS = 4;
const ETA_WINDOW = 20; // steps used to estimate time per step

/** The name of a metric's smoothed series. */
export const emaOf = (name: string) => `${name}:ema`;

export function emptySeries(): Series {
  return { step: [], time: [], values: {} };
}

/** A metric's values aligned with s.step (NaN where absent); an empty array of the right length when never seen. */
export function column(s: Series, name: string): number[] {
  return s.values[name] ?? new Array<number>(s.step.length).fill(NaN);
}

/**
 * Appends points in the order they happened. A point whose step is not after the last one means the
 * run went back to a checkpoint: the series is cut back to before that step, then the point appended.
 * Stored names of older versions are read under their current names.
 */
export function mergePoints(s: Series, points: readonly MetricPoint[]): void {
  for (const p of points) {
    let n = s.step.length;
    if (n > 0 && p.step <= s.step[n - 1]) {
      let keep = n;
      while (keep > 0 && s.step[keep - 1] >= p.step) keep--;
      for (const arr of [s.step, s.time, ...Object.values(s.values)]) arr.length = keep;
      n = keep;
    }
    s.step.push(p.step);
    s.time.push(p.time);
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(p.values)) values[currentMetricName(k)] = v;
    for (const name of Object.keys(values)) {
      if (!s.values[name]) s.values[name] = new Array<number>(n).fill(NaN);
      if (SMOOTHED.includes(name) && !s.values[emaOf(name)]) s.values[emaOf(name)] = new Array<number>(n).fill(NaN);
    }
    for (const [name, arr] of Object.entries(s.values)) {
      if (name.endsWith(':ema')) continue;
      const v = values[name] ?? NaN;
      arr.push(v);
      if (SMOOTHED.includes(name)) {
        const ema = s.values[emaOf(name)];
        const prev = n > 0 ? ema[n - 1] : NaN;
        ema.push(Number.isFinite(prev) ? (Number.isFinite(v) ? EMA * prev + (1 - EMA) * v : prev) : v);
      }
    }
  }
}

/** Builds series from stored points (sorted by step, possibly with steps recorded twice): time order wins. */
export function seriesFrom(points: readonly MetricPoint[]): Series {
  const s = emptySeries();
  const byTime = points.map((p, i) => ({ p, i })).sort((a, b) => a.p.time - b.p.time || a.i - b.i);
  mergePoints(
    s,
    byTime.map((x) => x.p),
  );
  return s;
}

/** Seconds left, from the wall time of the last ETA_WINDOW steps; undefined until two steps exist. */
export function etaSeconds(s: Series, totalSteps: number): number | undefined {
  const n = s.step.length;
  if (n < 2) return undefined;
  const first = Math.max(0, n - 1 - ETA_WINDOW);
  const steps = s.step[n - 1] - s.step[first];
  const ms = s.time[n - 1] - s.time[first];
  if (steps <= 0 || ms < 0) return undefined;
  return (Math.max(0, totalSteps - s.step[n - 1]) * (ms / steps)) / 1000;
}

/** One line on what a run trains, e.g. "tiny model · task primitives (chain, carry) · batch 16 · lr 0.003 · seed 7". */
export function setupSummary(run: RunRecord): string | undefined {
  const s = setupOf(run);
  if (!s) return undefined;
  const corpus =
    s.corpus === 'task-primitives'
      ? `task primitives (${s.tasks?.families.join(', ') ?? 'default families'})`
      : (CORPORA.find((c) => c.id === s.corpus)?.label.toLowerCase() ?? s.corpus);
  const p = s.pretrain;
  return `${s.preset} model · ${corpus} · batch ${p.batchSize} × ${p.seqLength} tokens · lr ${p.lr} · seed ${p.seed}`;
}

/** What the generations panel says while it has nothing to show for this run. */
export function generationsNote(run: RunRecord | undefined): string {
  const every = run ? setupOf(run)?.sampleEvery : undefined;
  if (run && every === 0)
    return 'Generations are off for this run (set "Generations every" under More settings for the next one).';
  if (run?.status === 'running') {
    const n = every ?? 25;
    return `The model completes a few corpus prompts every ${n} steps, greedily and by sampling; the first set appears after step ${n}.`;
  }
  if (!run) return 'Generations appear while a run trains, and are kept with it.';
  return 'This run kept no generations (runs made before they were saved with the run have none).';
}

/**
 * The top of a chart axis that outliers do not flatten: the largest value, but at most 1.5 times the
 * 90th percentile (the first steps of a run include shader compilation and can take 50x longer).
 */
export function robustMax(values: ArrayLike<number | null | undefined>): number | undefined {
  const v: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x === 'number' && Number.isFinite(x)) v.push(x);
  }
  if (v.length === 0) return undefined;
  v.sort((a, b) => a - b);
  const max = v[v.length - 1];
  if (v.length < 10) return max;
  const p90 = v[Math.floor(0.9 * (v.length - 1))];
  return p90 > 0 ? Math.min(max, 1.5 * p90) : max;
}

export class PretrainView {
  run = $state<RunRecord | undefined>();
  samples = $state<SampleSet[]>([]); // newest first
  checkpointStep = $state<number | undefined>();
  startupMs = $state<number | undefined>(); // Start -> first finished step, as the worker measured it
  version = $state(0); // bumped whenever `series` changes
  series: Series = emptySeries();
  private points: MetricPoint[] = []; // everything merged so far, as received

  /** Shows a run: its record and its stored metrics (replaces whatever was shown). */
  show(run: RunRecord, points: readonly MetricPoint[], checkpointStep?: number): void {
    this.run = run;
    this.points = [...points];
    this.series = seriesFrom(points);
    this.samples = [];
    this.checkpointStep = checkpointStep;
    this.startupMs = undefined;
    this.version++;
  }

  /** Adds stored history that arrived after live points (a run that began while another was shown). */
  addHistory(history: readonly MetricPoint[]): void {
    this.points = [...history, ...this.points];
    this.series = seriesFrom(this.points);
    this.version++;
  }

  /** Goes back to a checkpoint's step (a resume trains the steps after it again). */
  rewind(step: number): void {
    this.points = this.points.filter((p) => p.step <= step);
    this.series = seriesFrom(this.points);
    if (this.run) this.run = { ...this.run, step: Math.min(this.run.step, step) };
    this.version++;
  }

  clear(): void {
    this.run = undefined;
    this.points = [];
    this.series = emptySeries();
    this.samples = [];
    this.checkpointStep = undefined;
    this.startupMs = undefined;
    this.version++;
  }

  /** Applies worker events; those of other runs are ignored. */
  apply(events: readonly WorkerEvent[]): void {
    const id = this.run?.id;
    let changed = false;
    for (const e of events) {
      if (e.type === 'run' && e.run.id === id) this.run = e.run;
      else if (e.type === 'metrics' && e.runId === id) {
        this.points.push(...e.points);
        mergePoints(this.series, e.points);
        changed = true;
      } else if (e.type === 'samples' && e.runId === id) {
        this.samples = [
          { step: e.step, temperature: e.temperature, samples: e.samples },
          ...this.samples.filter((x) => x.step !== e.step),
        ].slice(0, KEEP_SAMPLE_SETS);
      } else if (e.type === 'checkpoint' && e.runId === id && e.kind === 'latest') this.checkpointStep = e.step;
      else if (e.type === 'startup' && e.runId === id) this.startupMs = e.report.ms;
    }
    if (changed) this.version++;
  }

  get step(): number {
    const n = this.series.step.length;
    void this.version;
    return n > 0 ? this.series.step[n - 1] : (this.run?.step ?? 0);
  }

  get total(): number {
    return this.run?.totalSteps ?? 0;
  }

  get fraction(): number {
    return this.total > 0 ? Math.min(1, this.step / this.total) : 0;
  }

  get etaSeconds(): number | undefined {
    void this.version;
    return etaSeconds(this.series, this.total);
  }

  /** The latest value of a metric (undefined before the first step). */
  latest(name: string): number | undefined {
    void this.version;
    const a = this.series.values[name];
    return a && a.length > 0 ? a[a.length - 1] : undefined;
  }

  /** Mean of a metric's latest `n` finite values (throughput readouts jitter step to step). */
  recentMean(name: string, n = 10): number | undefined {
    void this.version;
    const a = (this.series.values[name] ?? []).slice(-n).filter(Number.isFinite);
    return a.length > 0 ? a.reduce((x, y) => x + y, 0) / a.length : undefined;
  }
}
