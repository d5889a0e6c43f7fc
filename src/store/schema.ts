// The runs library's IndexedDB layout, version by version, and the upgrade path between versions.
// Every version's step stays here forever: a browser holding any older database upgrades through
// each step in turn. Opening and error mapping are in db.ts; reads and writes in store.ts.
//
//   v1  runs         key 'id'                        index by-created (createdAt)
//       metrics      auto-increment key, one record per MetricPoint + runId   index by-run (runId)
//       checkpoints  key [runId, kind, step]         index by-run (runId)
//   v2  runs         records gain updatedAt (backfilled from createdAt)
//       metrics      replaced by metricChunks, key [runId, firstStep, seq]: one record per appended
//                    batch, so the ~10 appends a second are one small write each (v1 rows are
//                    regrouped into chunks of CHUNK_POINTS)
//       checkpoints  index by-run replaced by by-run-step [runId, step, createdAt]: listing and
//                    finding the latest read index keys only, never the checkpoint bytes
//   v3  previews     key [runId, kind, step]: what a run showed people (generations, RL traces), a
//                    bounded number per run, so they survive a reload and travel in run files

import type { DBSchema, IDBPDatabase, IDBPTransaction } from 'idb';
import { checkPoint, chunkSeries } from './metrics';
import type { CheckpointRecord, MetricChunk, MetricPoint, PreviewRecord, RunRecord } from './records';

export const DB_VERSION = 3;

/** The current (v2) layout, as idb's typed API sees it. */
export interface ExprlDB extends DBSchema {
  runs: { key: string; value: RunRecord; indexes: { 'by-created': number } };
  metricChunks: { key: [string, number, number]; value: MetricChunk };
  checkpoints: {
    key: [string, string, number]; // [runId, kind, step]
    value: CheckpointRecord;
    indexes: { 'by-run-step': [string, number, number] }; // [runId, step, createdAt]
  };
  previews: { key: [string, string, number]; value: PreviewRecord }; // [runId, kind, step]
}

/** A v1 metrics row (one per point). */
export interface MetricRowV1 extends MetricPoint {
  runId: string;
}

export type UpgradeTx = IDBPTransaction<unknown, string[], 'versionchange'>;

/** Key range of everything of one run in a store or index keyed [runId, ...]: arrays sort after numbers and strings. */
export function runKeyRange(runId: string): IDBKeyRange {
  return IDBKeyRange.bound([runId], [runId, []]);
}

/**
 * Brings a database from `oldVersion` to `newVersion` inside its upgrade transaction. Schema changes
 * happen at once; data migrations issue their requests in the same transaction, and any failure
 * aborts it, which leaves the old database untouched and makes the open fail.
 */
export function upgradeSchema(db: IDBPDatabase, oldVersion: number, newVersion: number, tx: UpgradeTx): Promise<void> {
  const steps: Promise<void>[] = [];
  if (oldVersion < 1 && newVersion >= 1) createV1(db);
  if (oldVersion < 2 && newVersion >= 2) steps.push(upgradeV1toV2(db, tx));
  if (oldVersion < 3 && newVersion >= 3) db.createObjectStore('previews', { keyPath: ['runId', 'kind', 'step'] });
  const all = Promise.all(steps).then(() => undefined);
  all.catch(() => {
    try {
      tx.abort();
    } catch {
      // already finished or aborting: the open request reports the error
    }
  });
  return all;
}

/** Version 1: three stores, with indexes by runId. */
export function createV1(db: IDBPDatabase): void {
  const runs = db.createObjectStore('runs', { keyPath: 'id' });
  runs.createIndex('by-created', 'createdAt');
  const metrics = db.createObjectStore('metrics', { autoIncrement: true });
  metrics.createIndex('by-run', 'runId');
  const checkpoints = db.createObjectStore('checkpoints', { keyPath: ['runId', 'kind', 'step'] });
  checkpoints.createIndex('by-run', 'runId');
}

/** Version 2: metric rows become chunks, runs gain updatedAt, checkpoints get the by-run-step index. */
async function upgradeV1toV2(db: IDBPDatabase, tx: UpgradeTx): Promise<void> {
  // Schema first (synchronous), then the data, all in this one transaction.
  db.createObjectStore('metricChunks', { keyPath: ['runId', 'firstStep', 'seq'] });
  const checkpoints = tx.objectStore('checkpoints');
  checkpoints.deleteIndex('by-run');
  checkpoints.createIndex('by-run-step', ['runId', 'step', 'createdAt']);

  // Runs: backfill updatedAt.
  for (let c = await tx.objectStore('runs').openCursor(); c; c = await c.continue()) {
    const run = c.value as RunRecord;
    if (typeof run.updatedAt !== 'number') await c.update({ ...run, updatedAt: run.createdAt });
  }

  // Metrics: group v1 rows by run (index order: runId, then insertion), write them as chunks.
  // A malformed row cannot be charted and must not block the upgrade: it is dropped.
  const byRun = new Map<string, MetricPoint[]>();
  for (let c = await tx.objectStore('metrics').index('by-run').openCursor(); c; c = await c.continue()) {
    const row = c.value as MetricRowV1;
    if (!isValidRow(row)) continue;
    const points = byRun.get(row.runId) ?? [];
    points.push({ step: row.step, time: row.time, values: row.values });
    byRun.set(row.runId, points);
  }
  const chunkStore = tx.objectStore('metricChunks');
  const writes: Promise<unknown>[] = [];
  for (const [runId, points] of byRun)
    for (const chunk of chunkSeries(runId, points, 0)) writes.push(chunkStore.add(chunk));
  await Promise.all(writes);
  db.deleteObjectStore('metrics');
}

function isValidRow(row: MetricRowV1): boolean {
  try {
    checkPoint(row);
    return typeof row.runId === 'string';
  } catch {
    return false;
  }
}
