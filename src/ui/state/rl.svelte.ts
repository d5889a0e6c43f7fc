// The runs the RL panels show together: the demo's two arms, the runs an RL setup started, and runs of
// the library overlaid on them (same axes). Also the inspector's choice (run, step, problem, sample).
// Loads stored metrics and previews through the worker contract and follows its events (those that
// arrive while a run's stored data loads are applied once its view exists: a run may stop at once).

import type { RunRecord } from '../../store/records';
import { rlSetupOf, type TraceSet, type TrainerApi, type WorkerEvent } from '../../worker/api';
import { OVERLAY_DASHES, RunView } from './runview.svelte';

export type RlApi = Pick<TrainerApi, 'getMetrics' | 'getPreviews'>;

export interface InspectorPick {
  runId?: string;
  step?: number; // undefined: the newest step
  problem: number; // group index within the step
  sample: number; // response index within the group
}

export class RlState {
  views = $state<RunView[]>([]);
  version = $state(0); // bumped whenever any shown series changes (the charts redraw)
  group = $state<string | undefined>(); // runs of this group join the view when they start
  pick = $state<InspectorPick>({ problem: 0, sample: 0 });
  private loading = new Map<string, WorkerEvent[]>(); // run id -> events seen while its stored data loads

  constructor(private readonly api: RlApi) {}

  /** Shows these runs (replacing what was shown). */
  async show(runs: readonly RunRecord[], group?: string): Promise<void> {
    this.group = group;
    const views = await Promise.all(runs.map((r) => this.load(r)));
    this.views = views;
    this.pick = { runId: views[views.length - 1]?.run.id, problem: 0, sample: 0 };
    this.version++;
  }

  /** Adds a run of the library to the comparison (dashed, so it stands apart from the live ones). */
  async overlay(run: RunRecord): Promise<void> {
    if (this.views.some((v) => v.run.id === run.id)) return;
    const v = await this.load(run, OVERLAY_DASHES[this.views.length % OVERLAY_DASHES.length]);
    this.views = [...this.views, v];
    this.version++;
  }

  hide(id: string): void {
    this.views = this.views.filter((v) => v.run.id !== id);
    if (this.pick.runId === id) this.pick = { runId: this.views[0]?.run.id, problem: 0, sample: 0 };
    this.version++;
  }

  clear(): void {
    this.views = [];
    this.group = undefined;
    this.pick = { problem: 0, sample: 0 };
    this.version++;
  }

  apply(events: readonly WorkerEvent[]): void {
    for (const queue of this.loading.values()) queue.push(...events);
    let changed = false;
    for (const v of this.views) changed = v.apply(events) || changed;
    for (const e of events) {
      if (
        e.type === 'run' &&
        this.group &&
        rlSetupOf(e.run)?.group === this.group &&
        !this.views.some((v) => v.run.id === e.run.id)
      ) {
        this.views = [...this.views, new RunView(e.run, [])];
        changed = true;
      }
    }
    if (changed) this.version++;
  }

  /** The run the inspector shows, and its trace sets. */
  get inspected(): RunView | undefined {
    return this.views.find((v) => v.run.id === this.pick.runId) ?? this.views.find((v) => v.traces.length > 0);
  }

  /** The step the inspector shows: the chosen one while it is kept, else the newest. */
  get traceSet(): TraceSet | undefined {
    const t = this.inspected?.traces ?? [];
    return t.find((x) => x.step === this.pick.step) ?? t[t.length - 1];
  }

  choose(patch: Partial<InspectorPick>): void {
    const next = { ...this.pick, ...patch };
    if (patch.runId !== undefined && patch.runId !== this.pick.runId)
      Object.assign(next, { step: undefined, problem: 0, sample: 0 });
    if (patch.problem !== undefined) next.sample = 0;
    this.pick = next;
  }

  /** A run's view from its stored metrics and previews: solid lines, or `dash` for an overlaid run. */
  private async load(run: RunRecord, dash?: number[]): Promise<RunView> {
    const queue: WorkerEvent[] = [];
    this.loading.set(run.id, queue);
    try {
      const [points, previews] = await Promise.all([this.api.getMetrics(run.id), this.api.getPreviews(run.id)]);
      const view = new RunView(run, points, previews, dash);
      view.apply(queue); // RunView keeps only the events about its run
      return view;
    } finally {
      if (this.loading.get(run.id) === queue) this.loading.delete(run.id);
    }
  }
}
