// The runs library: runs, their metric series and checkpoints in IndexedDB, export and import.
// Every write is one transaction (all or nothing); a full disk becomes QuotaExceededStoreError and
// leaves earlier data intact. Configs are stored without secrets. Opened by openStore in db.ts.

import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import { decodeRunFile, encodeRunFile } from './run-file';
import { liveRunIds } from './locks';
import { chunkSeries, makeChunk, mergeChunks } from './metrics';
import { guardQuota } from './quota';
import { redactRun } from './redact';
import { runKeyRange, type ExprlDB } from './schema';
import {
  RUN_KINDS,
  RUN_STATUSES,
  RunNotFoundError,
  type CheckpointKind,
  type CheckpointRecord,
  type MetricPoint,
  type PreviewRecord,
  type RunRecord,
} from './records';

export type NewRun = Omit<RunRecord, 'id' | 'createdAt' | 'updatedAt'> & { id?: string };
export type CheckpointInfo = Omit<CheckpointRecord, 'bytes'>;

type Names = StoreNames<ExprlDB>[];
type WriteTx = IDBPTransaction<ExprlDB, Names, 'readwrite'>;

export class Store {
  private lastSeq = 0;

  constructor(readonly db: IDBPDatabase<ExprlDB>) {}

  // ---- runs ----

  /** Adds a run (id generated unless given); it is stored without secrets (see redactRun). */
  async createRun(r: NewRun): Promise<RunRecord> {
    checkRunFields(r);
    const now = Date.now();
    const run: RunRecord = redactRun({ ...r, id: r.id ?? newRunId(), createdAt: now, updatedAt: now });
    await this.write(`the new run "${run.name}"`, ['runs'], (tx) => tx.objectStore('runs').add(run));
    return run;
  }

  /** Changes fields of a run (not its id or createdAt); bumps updatedAt. Returns the stored record. */
  async updateRun(id: string, patch: Partial<RunRecord>): Promise<RunRecord> {
    let updated: RunRecord | undefined;
    await this.write(
      () => `the change to run "${updated?.name ?? id}"`,
      ['runs'],
      async (tx) => {
        const store = tx.objectStore('runs');
        const old = await store.get(id);
        if (!old) throw new RunNotFoundError(id);
        const next: RunRecord = redactRun({
          ...old,
          ...patch,
          id,
          createdAt: old.createdAt,
          updatedAt: Math.max(Date.now(), old.updatedAt),
        });
        checkRunFields(next);
        updated = next;
        await store.put(next);
      },
    );
    return updated!;
  }

  getRun(id: string): Promise<RunRecord | undefined> {
    return this.db.get('runs', id);
  }

  /** All runs, newest first (an imported run counts from when it came in; it keeps its creation time). */
  async listRuns(): Promise<RunRecord[]> {
    const runs = (await this.db.getAllFromIndex('runs', 'by-created')).reverse();
    return runs.sort((a, b) => (b.importedAt ?? b.createdAt) - (a.importedAt ?? a.createdAt));
  }

  /** Deletes a run with its metrics and checkpoints, in one transaction. Unknown ids are a no-op. */
  async deleteRun(id: string): Promise<void> {
    await this.write(`the deletion of run ${id}`, ['runs', 'metricChunks', 'checkpoints', 'previews'], async (tx) => {
      await Promise.all([
        tx.objectStore('runs').delete(id),
        tx.objectStore('metricChunks').delete(runKeyRange(id)),
        tx.objectStore('checkpoints').delete(runKeyRange(id)),
        tx.objectStore('previews').delete(runKeyRange(id)),
      ]);
    });
  }

  /**
   * Marks runs left 'running' (their tab closed mid-run) as 'interrupted', so the page can offer to
   * resume them. Runs whose Web Lock is held (training in another tab, see locks.ts) are left alone.
   */
  async markInterrupted(): Promise<RunRecord[]> {
    const live = await liveRunIds();
    const marked: RunRecord[] = [];
    await this.write('the interrupted-run marks', ['runs'], async (tx) => {
      const store = tx.objectStore('runs');
      for (const run of await store.getAll()) {
        if (run.status !== 'running' || live.has(run.id)) continue;
        const next: RunRecord = { ...run, status: 'interrupted', updatedAt: Math.max(Date.now(), run.updatedAt) };
        marked.push(next);
        await store.put(next);
      }
    });
    return marked;
  }

  // ---- metrics ----

  /** Appends a batch of points as one chunk record: one small write. */
  async appendMetrics(runId: string, points: MetricPoint[]): Promise<void> {
    if (points.length === 0) return;
    const chunk = makeChunk(runId, points, this.nextSeq());
    const what = `${points.length} metric point(s) of run ${runId} (steps ${chunk.firstStep} to ${chunk.lastStep})`;
    await this.write(what, ['runs', 'metricChunks'], async (tx) => {
      if (!(await tx.objectStore('runs').getKey(runId))) throw new RunNotFoundError(runId);
      await tx.objectStore('metricChunks').add(chunk);
    });
  }

  /** The run's whole series, sorted by step (points of one step keep their append order). */
  async getMetrics(runId: string): Promise<MetricPoint[]> {
    return mergeChunks(await this.db.getAll('metricChunks', runKeyRange(runId)));
  }

  /** Drops points after `afterStep` (resuming from an earlier checkpoint re-logs those steps). */
  async truncateMetrics(runId: string, afterStep: number): Promise<void> {
    await this.write(`the trimmed metrics of run ${runId}`, ['metricChunks'], async (tx) => {
      const store = tx.objectStore('metricChunks');
      for (let c = await store.openCursor(runKeyRange(runId)); c; c = await c.continue()) {
        const chunk = c.value;
        if (chunk.lastStep <= afterStep) continue;
        if (chunk.firstStep > afterStep) {
          await c.delete();
          continue;
        }
        const points = chunk.points.filter((p) => p.step <= afterStep);
        await c.update({ ...chunk, points, lastStep: points[points.length - 1].step });
      }
    });
  }

  // ---- checkpoints ----

  /** Saves a checkpoint; a 'latest' one replaces the run's previous 'latest' in the same transaction. */
  async putCheckpoint(runId: string, step: number, bytes: ArrayBuffer, kind: CheckpointKind): Promise<void> {
    if (!Number.isInteger(step) || step < 0)
      throw new RangeError(`checkpoint step must be a whole number >= 0, got ${step}`);
    if (kind !== 'latest' && kind !== 'periodic') throw new RangeError(`unknown checkpoint kind "${String(kind)}"`);
    const record: CheckpointRecord = { runId, step, createdAt: Date.now(), bytes, kind };
    await this.write(`the checkpoint at step ${step} of run ${runId}`, ['runs', 'checkpoints'], async (tx) => {
      if (!(await tx.objectStore('runs').getKey(runId))) throw new RunNotFoundError(runId);
      const store = tx.objectStore('checkpoints');
      if (kind === 'latest') await store.delete(IDBKeyRange.bound([runId, 'latest'], [runId, 'latest', []]));
      await store.put(record);
    });
  }

  /** The run's checkpoint with the highest step (on a tie the newer, then the 'latest' one), or undefined. */
  async getLatestCheckpoint(runId: string): Promise<CheckpointRecord | undefined> {
    const tx = this.db.transaction('checkpoints');
    let c = await tx.store.index('by-run-step').openKeyCursor(runKeyRange(runId), 'prev');
    let key = c?.primaryKey;
    // Index keys [runId, step, createdAt] come highest first; the same key twice means both kinds.
    const [, step, createdAt] = c?.key ?? [];
    for (; c && c.key[1] === step && c.key[2] === createdAt; c = await c.continue()) {
      if (c.primaryKey[1] === 'latest') {
        key = c.primaryKey;
        break;
      }
    }
    const record = key ? await tx.store.get(key) : undefined;
    await tx.done;
    return record;
  }

  /** The run's checkpoints by step, without their bytes (read from index keys only). */
  async listCheckpoints(runId: string): Promise<CheckpointInfo[]> {
    const tx = this.db.transaction('checkpoints');
    const out: CheckpointInfo[] = [];
    for (let c = await tx.store.index('by-run-step').openKeyCursor(runKeyRange(runId)); c; c = await c.continue()) {
      const [, step, createdAt] = c.key;
      const [, kind] = c.primaryKey;
      out.push({ runId, step, createdAt, kind: kind as CheckpointKind });
    }
    await tx.done;
    return out;
  }

  // ---- previews ----

  /** Keeps a preview of the run (replacing one of the same kind and step), and only the `keep` newest of its kind. */
  async putPreview(runId: string, kind: string, step: number, data: unknown, keep: number): Promise<void> {
    await this.write(`the ${kind} of step ${step} of run ${runId}`, ['runs', 'previews'], async (tx) => {
      if (!(await tx.objectStore('runs').getKey(runId))) throw new RunNotFoundError(runId);
      const store = tx.objectStore('previews');
      await store.put({ runId, kind, step, data });
      const keys = await store.getAllKeys(IDBKeyRange.bound([runId, kind], [runId, kind, []]));
      await Promise.all(keys.slice(0, Math.max(0, keys.length - keep)).map((k) => store.delete(k)));
    });
  }

  /** The run's previews by kind, then step. */
  getPreviews(runId: string): Promise<PreviewRecord[]> {
    return this.db.getAll('previews', runKeyRange(runId));
  }

  /** Drops previews after `afterStep` (a resume from an earlier checkpoint shows those steps again). */
  async truncatePreviews(runId: string, afterStep: number): Promise<void> {
    await this.write(`the trimmed previews of run ${runId}`, ['previews'], async (tx) => {
      for (let c = await tx.objectStore('previews').openCursor(runKeyRange(runId)); c; c = await c.continue())
        if (c.value.step > afterStep) await c.delete();
    });
  }

  // ---- files ----

  /** One file with the run record (no secrets), its metrics and its latest checkpoint; see run-file.ts. */
  async exportRun(runId: string): Promise<Uint8Array> {
    const run = await this.getRun(runId);
    if (!run) throw new RunNotFoundError(runId);
    const [metrics, ckpt, previews] = await Promise.all([
      this.getMetrics(runId),
      this.getLatestCheckpoint(runId),
      this.getPreviews(runId),
    ]);
    const checkpoint = ckpt ? { step: ckpt.step, createdAt: ckpt.createdAt, bytes: ckpt.bytes } : null;
    return encodeRunFile({
      run,
      metrics,
      checkpoint,
      previews: previews.map(({ kind, step, data }) => ({ kind, step, data })),
    });
  }

  /**
   * Adds the run in a run file under a new id, with its metrics, previews and checkpoint (as 'latest'),
   * all in one transaction; it keeps its creation time and is marked imported (importedAt). Throws
   * RunFileError for a foreign, truncated, corrupt or newer-version file.
   */
  async importRun(bytes: Uint8Array): Promise<RunRecord> {
    const file = decodeRunFile(bytes);
    const now = Date.now();
    const run: RunRecord = {
      ...file.run,
      id: newRunId(),
      importedAt: now, // new in this library: listed first, creation time kept
      updatedAt: now,
      status: file.run.status === 'running' ? 'interrupted' : file.run.status, // nothing trains it here yet
    };
    await this.write(
      `the imported run "${run.name}"`,
      ['runs', 'metricChunks', 'checkpoints', 'previews'],
      async (tx) => {
        const writes: Promise<unknown>[] = [tx.objectStore('runs').add(run)];
        for (const p of file.previews ?? [])
          writes.push(tx.objectStore('previews').put({ runId: run.id, kind: p.kind, step: p.step, data: p.data }));
        for (const chunk of chunkSeries(run.id, file.metrics, 0))
          writes.push(tx.objectStore('metricChunks').add(chunk));
        const c = file.checkpoint;
        if (c)
          writes.push(
            tx
              .objectStore('checkpoints')
              .put({ runId: run.id, step: c.step, createdAt: c.createdAt, bytes: c.bytes, kind: 'latest' }),
          );
        await Promise.all(writes);
      },
    );
    return run;
  }

  close(): void {
    this.db.close();
  }

  // ---- plumbing ----

  /** Chunk tie-breaker: increasing within this connection, and across reloads (time-based). */
  private nextSeq(): number {
    this.lastSeq = Math.max(Date.now(), this.lastSeq + 1);
    return this.lastSeq;
  }

  /**
   * Runs `body` in one readwrite transaction and waits for the commit. On any failure the transaction
   * is aborted (nothing of it is kept); a quota failure becomes QuotaExceededStoreError naming `unsaved`.
   */
  private write(
    unsaved: string | (() => string),
    stores: Names,
    body: (tx: WriteTx) => Promise<unknown>,
  ): Promise<void> {
    return guardQuota(unsaved, async () => {
      const tx = this.db.transaction(stores, 'readwrite');
      try {
        await body(tx);
        await tx.done;
      } catch (err) {
        try {
          tx.abort();
        } catch {
          // already aborted by the failed request, or finished
        }
        await tx.done.catch(() => undefined);
        throw err;
      }
    });
  }
}

/** A fresh run id; getRandomValues works outside secure contexts too (randomUUID does not). */
export function newRunId(): string {
  const rnd = crypto.getRandomValues(new Uint8Array(6));
  return `run-${Date.now().toString(36)}-${Array.from(rnd, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function checkRunFields(r: Partial<RunRecord>): void {
  if (typeof r.name !== 'string') throw new TypeError('run name must be a string');
  if (!RUN_KINDS.includes(r.kind!)) throw new RangeError(`unknown run kind "${String(r.kind)}"`);
  if (!RUN_STATUSES.includes(r.status!)) throw new RangeError(`unknown run status "${String(r.status)}"`);
  if (r.config === null || typeof r.config !== 'object') throw new TypeError('run config must be an object');
  if (!Number.isFinite(r.step) || !Number.isFinite(r.totalSteps))
    throw new TypeError('run step and totalSteps must be numbers');
}
