// The upgrade path: a version-1 database filled with v1 rows opens at the current version with its data
// intact and migrated (metric rows -> chunks, runs gain updatedAt, checkpoints readable by the new
// index); a fresh database gets the current layout; a newer database on disk is refused clearly.

import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { IDBPDatabase } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_VERSION, openDatabase, openStore } from '../../src/store/db';
import { CHUNK_POINTS } from '../../src/store/metrics';
import type { MetricRowV1 } from '../../src/store/schema';
import type { Store } from '../../src/store/store';

const NAME = 'upgrade-test';
let open: { close(): void }[] = [];
afterEach(() => {
  for (const s of open) s.close();
  open = [];
});

/** A v1 run record: no updatedAt yet. */
function runV1(id: string, status: string, createdAt: number) {
  return { id, name: `run ${id}`, kind: 'pretrain', createdAt, status, config: { lr: 0.003 }, step: 7, totalSteps: 10 };
}

/** Builds a version-1 database through the v1 upgrade step and fills it with v1 rows. */
async function makeV1(factory: IDBFactory): Promise<{ rows: MetricRowV1[] }> {
  const db = (await openDatabase(NAME, factory, 1)) as unknown as IDBPDatabase;
  expect(db.version).toBe(1);
  expect([...db.objectStoreNames]).toEqual(['checkpoints', 'metrics', 'runs']);
  const tx = db.transaction(['runs', 'metrics', 'checkpoints'], 'readwrite');
  await tx.objectStore('runs').put(runV1('a', 'running', 1000));
  await tx.objectStore('runs').put(runV1('b', 'done', 2000));
  // Interleaved appends of two runs, b's out of step order; 2100 rows for a, so a needs 3 chunks.
  const rows: MetricRowV1[] = [];
  for (let s = 0; s < 2100; s++) {
    rows.push({ runId: 'a', step: s, time: 5000 + s, values: { 'train/loss': 4 - s / 1000 } });
    if (s < 30)
      rows.push({ runId: 'b', step: 29 - s, time: 9000 + s, values: { 'train/loss': s, 'perf/ms_per_step': 12 } });
  }
  for (const r of rows) await tx.objectStore('metrics').add(r);
  await tx.objectStore('metrics').add({ runId: 'b', step: 'broken', time: 0, values: {} }); // malformed: dropped
  await tx
    .objectStore('checkpoints')
    .put({ runId: 'a', kind: 'periodic', step: 5, createdAt: 100, bytes: new Uint8Array([1, 2, 3]).buffer });
  await tx
    .objectStore('checkpoints')
    .put({ runId: 'a', kind: 'latest', step: 7, createdAt: 200, bytes: new Uint8Array([9, 8, 7, 6]).buffer });
  await tx.done;
  db.close();
  return { rows };
}

describe('schema upgrade', () => {
  it('migrates a v1 database to the current version with its data intact', async () => {
    expect(DB_VERSION).toBe(3);
    const factory = new IDBFactory();
    const { rows } = await makeV1(factory);
    const store: Store = await openStore(NAME, factory);
    open.push(store);

    expect(store.db.version).toBe(DB_VERSION);
    expect([...store.db.objectStoreNames]).toEqual(['checkpoints', 'metricChunks', 'previews', 'runs']);
    const ckStore = store.db.transaction('checkpoints').store;
    expect([...ckStore.indexNames]).toEqual(['by-run-step']);

    // Runs: updatedAt backfilled; the run left running is now interrupted.
    const a = (await store.getRun('a'))!;
    const b = (await store.getRun('b'))!;
    expect(b).toEqual({ ...runV1('b', 'done', 2000), updatedAt: 2000 });
    expect(a.status).toBe('interrupted');
    expect((await store.listRuns()).map((r) => r.id)).toEqual(['b', 'a']);

    // Metrics: every valid row, per run, in step order, as chunks of at most CHUNK_POINTS.
    const strip = (r: MetricRowV1) => ({ step: r.step, time: r.time, values: r.values });
    const want = (id: string) =>
      rows
        .filter((r) => r.runId === id)
        .map(strip)
        .sort((x, y) => x.step - y.step);
    expect(await store.getMetrics('a')).toEqual(want('a'));
    expect(await store.getMetrics('b')).toEqual(want('b'));
    const chunks = await store.db.getAll('metricChunks');
    expect(chunks.filter((c) => c.runId === 'a').map((c) => c.points.length)).toEqual([
      CHUNK_POINTS,
      CHUNK_POINTS,
      2100 - 2 * CHUNK_POINTS,
    ]);
    expect(chunks.filter((c) => c.runId === 'b')).toHaveLength(1);

    // Checkpoints: found through the new index, bytes unchanged.
    expect(await store.listCheckpoints('a')).toEqual([
      { runId: 'a', step: 5, createdAt: 100, kind: 'periodic' },
      { runId: 'a', step: 7, createdAt: 200, kind: 'latest' },
    ]);
    expect(new Uint8Array((await store.getLatestCheckpoint('a'))!.bytes)).toEqual(new Uint8Array([9, 8, 7, 6]));

    // And the migrated library keeps working.
    await store.appendMetrics('a', [{ step: 2100, time: 1, values: { 'train/loss': 1 } }]);
    expect((await store.getMetrics('a')).at(-1)!.step).toBe(2100);
  });

  it('creates the current layout in a fresh browser', async () => {
    const store = await openStore(NAME, new IDBFactory());
    open.push(store);
    expect(store.db.version).toBe(DB_VERSION);
    expect([...store.db.objectStoreNames]).toEqual(['checkpoints', 'metricChunks', 'previews', 'runs']);
    expect(await store.listRuns()).toEqual([]);
  });

  it('reopens an already current database without changing it', async () => {
    const factory = new IDBFactory();
    const s1 = await openStore(NAME, factory);
    const run = await s1.createRun({ name: 'x', kind: 'midtrain', status: 'done', step: 1, totalSteps: 1, config: {} });
    s1.close();
    const s2 = await openStore(NAME, factory);
    open.push(s2);
    expect(await s2.getRun(run.id)).toEqual(run);
  });

  it('refuses a database written by a newer version, without touching it', async () => {
    const factory = new IDBFactory();
    const newer = (await openDatabase(NAME, factory, DB_VERSION)) as unknown as IDBPDatabase;
    newer.close();
    const req = factory.open(NAME, DB_VERSION + 1);
    await new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result.close());
      req.onerror = () => reject(req.error);
    });
    await expect(openStore(NAME, factory)).rejects.toThrow(/newer version of the playground/);
  });

  it('closes itself when a newer page asks to upgrade', async () => {
    const factory = new IDBFactory();
    const store = await openStore(NAME, factory);
    const req = factory.open(NAME, DB_VERSION + 1); // would stay blocked if the old connection stayed open
    const version = await new Promise((resolve, reject) => {
      req.onsuccess = () => {
        resolve(req.result.version);
        req.result.close();
      };
      req.onerror = () => reject(req.error);
    });
    expect(version).toBe(DB_VERSION + 1);
    await expect(store.listRuns()).rejects.toThrow();
  });
});
