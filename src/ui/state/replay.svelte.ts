// Replay of a recorded demo: the runs' records, metric points and traces (a file the page writes with
// "Save as replay", shipped as public/replay/demo.json) played back step by step into the same RL
// panels, without WebGPU or a worker. Nothing is simulated: every value shown was recorded.

import type { MetricPoint, PreviewRecord, RunRecord } from '../../store/records';
import type { TrainerApi, TraceSet, WorkerEvent } from '../../worker/api';
import { RlState } from './rl.svelte';

export const REPLAY_SCHEMA = 'exprl-replay/1';
export const REPLAY_URL = 'replay/demo.json';

export interface ReplayFile {
  schema: typeof REPLAY_SCHEMA;
  recordedAt: string; // ISO time
  adapter: string; // where it ran
  runs: { run: RunRecord; metrics: MetricPoint[]; previews: PreviewRecord[] }[];
}

/** A replay file of runs of the library (records, metrics, kept traces). */
export async function recordReplay(
  api: Pick<TrainerApi, 'getMetrics' | 'getPreviews'>,
  runs: readonly RunRecord[],
): Promise<ReplayFile> {
  const out = await Promise.all(
    runs.map(async (run) => ({
      run,
      metrics: await api.getMetrics(run.id),
      previews: (await api.getPreviews(run.id)).filter((p) => p.kind === 'traces'),
    })),
  );
  return {
    schema: REPLAY_SCHEMA,
    recordedAt: new Date().toISOString(),
    adapter: runs[0]?.adapter ?? 'unknown',
    runs: out,
  };
}

export function checkReplay(x: unknown): ReplayFile {
  const r = x as Partial<ReplayFile>;
  if (!r || r.schema !== REPLAY_SCHEMA || !Array.isArray(r.runs))
    throw new Error(`not a replay file (expected schema ${REPLAY_SCHEMA})`);
  return r as ReplayFile;
}

const NONE = { getMetrics: async () => [], getPreviews: async () => [] };

export class Replay {
  readonly rl = new RlState(NONE);
  file = $state<ReplayFile | undefined>();
  playing = $state(false);
  step = $state(0);
  total = $state(0);
  error = $state<string | undefined>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly fetcher: (url: string) => Promise<unknown> = async (u) => (await fetch(u)).json(),
    private readonly msPerStep = 900,
  ) {}

  async load(url = REPLAY_URL): Promise<void> {
    try {
      this.file = checkReplay(await this.fetcher(url));
      this.error = undefined;
    } catch (e) {
      this.error = `The recorded demo could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  /** Plays from the start: one training step of every run per tick, their evaluations at the end. */
  async play(): Promise<void> {
    if (!this.file) await this.load();
    const f = this.file;
    if (!f) return;
    this.stop();
    const start = (r: RunRecord): RunRecord => ({ ...r, status: 'running', step: 0, evaluation: undefined });
    await this.rl.show(f.runs.map((x) => start(x.run)));
    this.total = Math.max(0, ...f.runs.map((x) => x.run.totalSteps));
    this.step = 0;
    this.playing = true;
    const tick = () => {
      this.step++;
      const events: WorkerEvent[] = [];
      for (const x of f.runs) {
        const points = x.metrics.filter((p) => p.step === this.step);
        if (points.length) events.push({ type: 'metrics', runId: x.run.id, points });
        const t = x.previews.find((p) => p.kind === 'traces' && p.step === this.step);
        if (t) events.push({ type: 'traces', runId: x.run.id, traces: t.data as TraceSet });
        events.push({ type: 'run', run: this.step >= x.run.totalSteps ? x.run : { ...start(x.run), step: this.step } });
      }
      this.rl.apply(events);
      if (this.step >= this.total) this.playing = false;
      else this.timer = setTimeout(tick, this.msPerStep);
    };
    this.timer = setTimeout(tick, this.msPerStep);
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.playing = false;
  }
}
