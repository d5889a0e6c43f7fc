// The runs library: every stored run with its latest checkpoint step, and the commands on them
// (resume, delete, export to a file, import from a file). All storage work happens in the worker;
// this module keeps the list current from its events and says why a run cannot be resumed.

import { RUN_FILE_EXTENSION } from '../../store/run-file';
import type { RunRecord } from '../../store/records';
import type { TrainerApi, WorkerEvent } from '../../worker/api';

export type LibraryApi = Pick<TrainerApi, 'listRuns' | 'listCheckpoints' | 'deleteRun' | 'exportRun' | 'importRun'>;

/** Whether a run can continue from its latest checkpoint, and if not, why (shown as the button's hint). */
export function resumability(
  run: RunRecord,
  checkpointStep: number | undefined,
  trainingId: string | undefined,
): { ok: boolean; why?: string } {
  if (run.kind !== 'pretrain') return { ok: false, why: `${run.kind} runs are not available in this version` };
  if (run.id === trainingId || run.status === 'running') return { ok: false, why: 'training now' };
  if (run.status === 'done') return { ok: false, why: 'finished all its steps' };
  if (checkpointStep === undefined) return { ok: false, why: 'no checkpoint saved yet' };
  return { ok: true };
}

/** A file name for an exported run: readable, safe on every file system. */
export function exportFileName(run: RunRecord): string {
  const slug =
    run.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'run';
  const d = new Date(run.createdAt);
  const date = `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
  return `exprl-${slug}-${date}${RUN_FILE_EXTENSION}`;
}

export class Library {
  runs = $state<RunRecord[]>([]);
  checkpoints = $state<Record<string, number | undefined>>({}); // run id -> latest checkpoint step
  loaded = $state(false);
  busy = $state<Record<string, string>>({}); // run id -> what is in flight ("exporting", ...)

  constructor(private readonly api: LibraryApi) {}

  async refresh(): Promise<void> {
    const runs = await this.api.listRuns();
    const cps: Record<string, number | undefined> = {};
    await Promise.all(
      runs.map(async (r) => {
        const list = await this.api.listCheckpoints(r.id);
        cps[r.id] = list.length > 0 ? Math.max(...list.map((c) => c.step)) : undefined; // what resume loads
      }),
    );
    this.runs = runs;
    this.checkpoints = cps;
    this.loaded = true;
  }

  /** Keeps records and checkpoint steps current between refreshes; true when the list itself changed. */
  apply(events: readonly WorkerEvent[]): boolean {
    let structural = false;
    for (const e of events) {
      if (e.type === 'run') {
        const i = this.runs.findIndex((r) => r.id === e.run.id);
        if (i >= 0) this.runs[i] = e.run;
        else structural = true;
      } else if (e.type === 'checkpoint') this.checkpoints[e.runId] = e.step;
      else if (e.type === 'library') structural = true;
    }
    return structural;
  }

  async remove(id: string): Promise<void> {
    await this.track(id, 'deleting', () => this.api.deleteRun(id));
    this.runs = this.runs.filter((r) => r.id !== id);
  }

  /** The export file's name and bytes; the component turns them into a download. */
  async exportRun(id: string): Promise<{ name: string; bytes: Uint8Array }> {
    const run = this.runs.find((r) => r.id === id);
    if (!run) throw new Error('this run is no longer in the library');
    const bytes = await this.track(id, 'exporting', () => this.api.exportRun(id));
    return { name: exportFileName(run), bytes };
  }

  async importFile(file: Blob): Promise<RunRecord> {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const run = await this.track('import', 'importing', () => this.api.importRun(bytes));
    await this.refresh();
    return run;
  }

  private async track<T>(id: string, what: string, fn: () => Promise<T>): Promise<T> {
    this.busy = { ...this.busy, [id]: what };
    try {
      return await fn();
    } finally {
      const { [id]: _, ...rest } = this.busy;
      this.busy = rest;
    }
  }
}
