// A full disk: writes fail the way browsers fail them (a QuotaExceededError DOMException on the request,
// then the transaction aborts), the store throws QuotaExceededStoreError saying what was not saved,
// and everything saved earlier is still there and readable.

import 'fake-indexeddb/auto';
import { IDBFactory, IDBObjectStore as FakeObjectStore } from 'fake-indexeddb';
import type { IDBPDatabase } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, openStore } from '../../src/store/db';
import { isQuotaError } from '../../src/store/quota';
import type { Store } from '../../src/store/store';
import { QuotaExceededStoreError } from '../../src/store/records';

/**
 * Makes every put/add fail asynchronously with QuotaExceededError until the returned function is
 * called. fake-indexeddb binds the raw store's storeRecord into the request's operation when put/add
 * is called (its internals, as of v6), so a throwing storeRecord in place during the call makes that
 * request fail in the transaction's queue, exactly where a browser reports a full disk.
 */
function fillDisk(): () => void {
  const proto = FakeObjectStore.prototype as unknown as Record<'put' | 'add', (...a: unknown[]) => unknown>;
  const saved = { put: proto.put, add: proto.add };
  for (const m of ['put', 'add'] as const) {
    proto[m] = function (this: { _rawObjectStore: Record<string, unknown> }, ...args: unknown[]) {
      const raw = this._rawObjectStore;
      raw.storeRecord = () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
      try {
        return saved[m].apply(this, args);
      } finally {
        delete raw.storeRecord;
      }
    };
  }
  return () => Object.assign(proto, saved);
}

let restore: (() => void) | undefined;
let open: Store[] = [];
afterEach(() => {
  restore?.();
  restore = undefined;
  for (const s of open) s.close();
  open = [];
});

async function expectQuota(p: Promise<unknown>, unsaved: RegExp): Promise<QuotaExceededStoreError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(QuotaExceededStoreError);
  const q = err as QuotaExceededStoreError;
  expect(q.message).toMatch(/storage is full/);
  expect(q.message).toMatch(/was not saved/);
  expect(q.message).toMatch(/saved before is intact/);
  expect(q.unsaved).toMatch(unsaved);
  expect((q.cause as DOMException).name).toBe('QuotaExceededError');
  return q;
}

const ckpt = (n: number, v: number) => new Uint8Array(n).fill(v).buffer;

describe('storage quota', () => {
  it('the fake fails a raw write like a browser does', async () => {
    const db = (await openDatabase('raw', new IDBFactory())) as unknown as IDBPDatabase;
    restore = fillDisk();
    const tx = db.transaction('runs', 'readwrite');
    const [put, done] = await Promise.allSettled([tx.store.put({ id: 'x' }), tx.done]);
    expect(put.status === 'rejected' && isQuotaError(put.reason)).toBe(true);
    expect(done.status).toBe('rejected'); // the failed request aborts the whole transaction
    expect(isQuotaError(tx.error)).toBe(true);
    restore();
    restore = undefined;
    expect(await db.count('runs')).toBe(0);
    db.close();
  });

  it('a failed metrics append or checkpoint loses nothing saved before', async () => {
    const store = await openStore('q', new IDBFactory());
    open.push(store);
    const run = await store.createRun({
      name: 'big',
      kind: 'pretrain',
      status: 'running',
      step: 0,
      totalSteps: 9,
      config: {},
    });
    const early = [
      { step: 1, time: 1, values: { 'train/loss': 3 } },
      { step: 2, time: 2, values: { 'train/loss': 2.5 } },
    ];
    await store.appendMetrics(run.id, early);
    await store.putCheckpoint(run.id, 1, ckpt(64, 1), 'periodic');
    await store.putCheckpoint(run.id, 2, ckpt(64, 2), 'latest');

    restore = fillDisk();
    await expectQuota(
      store.appendMetrics(run.id, [{ step: 3, time: 3, values: { 'train/loss': 2 } }]),
      /metric point.*steps 3 to 3/,
    );
    const q = await expectQuota(store.putCheckpoint(run.id, 3, ckpt(64, 3), 'latest'), /checkpoint at step 3/);
    expect(q.message).toContain('the checkpoint at step 3 of run');
    await expectQuota(store.updateRun(run.id, { step: 3 }), /change to run "big"/);
    await expectQuota(
      store.createRun({ name: 'second', kind: 'pretrain', status: 'running', step: 0, totalSteps: 1, config: {} }),
      /new run "second"/,
    );

    // Reads still work while the disk is full, and show exactly what was saved before.
    expect(await store.getMetrics(run.id)).toEqual(early);
    const latest = await store.getLatestCheckpoint(run.id);
    expect([latest!.step, latest!.kind]).toEqual([2, 'latest']); // the replaced 'latest' was rolled back, not lost
    expect(new Uint8Array(latest!.bytes)).toEqual(new Uint8Array(64).fill(2));
    expect((await store.listCheckpoints(run.id)).map((c) => [c.step, c.kind])).toEqual([
      [1, 'periodic'],
      [2, 'latest'],
    ]);
    expect((await store.getRun(run.id))!.step).toBe(0);
    expect((await store.listRuns()).map((r) => r.name)).toEqual(['big']);

    // Space freed: writing works again.
    restore();
    restore = undefined;
    await store.appendMetrics(run.id, [{ step: 3, time: 3, values: { 'train/loss': 2 } }]);
    expect((await store.getMetrics(run.id)).map((p) => p.step)).toEqual([1, 2, 3]);
  });

  it('a failed import writes no part of the run', async () => {
    const src = await openStore('src', new IDBFactory());
    const dst = await openStore('dst', new IDBFactory());
    open.push(src, dst);
    const run = await src.createRun({
      name: 'shared',
      kind: 'posttrain',
      status: 'done',
      step: 5,
      totalSteps: 5,
      config: {},
    });
    await src.appendMetrics(run.id, [{ step: 5, time: 1, values: { r: 1 } }]);
    await src.putCheckpoint(run.id, 5, ckpt(32, 7), 'latest');
    const file = await src.exportRun(run.id);
    restore = fillDisk();
    await expectQuota(dst.importRun(file), /imported run "shared"/);
    restore();
    restore = undefined;
    expect(await dst.listRuns()).toEqual([]);
    expect(await dst.db.count('metricChunks')).toBe(0);
    expect(await dst.db.count('checkpoints')).toBe(0);
  });

  it('a full disk during the schema upgrade leaves the old database as it was', async () => {
    const factory = new IDBFactory();
    const v1 = (await openDatabase('up', factory, 1)) as unknown as IDBPDatabase;
    await v1.put('runs', {
      id: 'r',
      name: 'old',
      kind: 'pretrain',
      createdAt: 5,
      status: 'done',
      config: {},
      step: 1,
      totalSteps: 1,
    });
    await v1.add('metrics', { runId: 'r', step: 1, time: 1, values: { l: 1 } });
    v1.close();
    restore = fillDisk();
    const err = await openStore('up', factory).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(QuotaExceededStoreError);
    expect((err as Error).message).toMatch(/upgrade of the run library was not saved/);
    restore();
    restore = undefined;
    const again = (await openDatabase('up', factory, 1)) as unknown as IDBPDatabase;
    expect(again.version).toBe(1);
    expect(await again.getAll('metrics')).toEqual([{ runId: 'r', step: 1, time: 1, values: { l: 1 } }]);
    expect((await again.get('runs', 'r')).updatedAt).toBeUndefined();
    again.close();
  });

  it('the library still opens, readable, when the disk is full', async () => {
    const factory = new IDBFactory();
    const s1 = await openStore('full', factory);
    const run = await s1.createRun({
      name: 'was running',
      kind: 'pretrain',
      status: 'running',
      step: 3,
      totalSteps: 9,
      config: {},
    });
    await s1.appendMetrics(run.id, [{ step: 3, time: 1, values: { l: 1 } }]);
    s1.close();
    restore = fillDisk();
    const s2 = await openStore('full', factory); // marking it interrupted cannot be saved; opening still works
    open.push(s2);
    expect((await s2.getRun(run.id))!.status).toBe('running');
    expect(await s2.getMetrics(run.id)).toEqual([{ step: 3, time: 1, values: { l: 1 } }]);
  });

  it('recognises the browsers\u2019 quota errors', () => {
    expect(isQuotaError(new DOMException('full', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBe(true);
    expect(isQuotaError(new DOMException('x', 'AbortError'))).toBe(false);
    expect(isQuotaError(new Error('QuotaExceededError'))).toBe(false);
    expect(isQuotaError(undefined)).toBe(false);
  });
});
