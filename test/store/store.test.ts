// The runs library on fake-indexeddb (a fresh factory per test): run records, chunked metrics,
// checkpoints, delete, interrupted runs after a reload, and export -> import through the store.

import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../src/store/db';
import { runLockName } from '../../src/store/locks';
import type { NewRun, Store } from '../../src/store/store';
import { RunNotFoundError, type MetricPoint } from '../../src/store/records';

const KEY = 'sk-' + 'T3st'.repeat(8);

function newRun(over: Partial<NewRun> = {}): NewRun {
  return {
    name: 'tiny',
    kind: 'pretrain',
    status: 'running',
    step: 0,
    totalSteps: 100,
    config: { model: { nLayer: 2, maxNewTokens: 32 }, judge: { baseUrl: 'http://localhost:8080/v1', apiKey: KEY } },
    ...over,
  };
}

function points(from: number, to: number, key = 'train/loss'): MetricPoint[] {
  const out: MetricPoint[] = [];
  for (let s = from; s <= to; s++) out.push({ step: s, time: 1000 + s, values: { [key]: 5 - s / 100 } });
  return out;
}

function bytes(n: number, seed: number): ArrayBuffer {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7) & 0xff;
  return b.buffer;
}

let open: Store[] = [];
async function fresh(factory = new IDBFactory()): Promise<Store> {
  const s = await openStore('test-db', factory);
  open.push(s);
  return s;
}

afterEach(() => {
  for (const s of open) s.close();
  open = [];
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('runs', () => {
  it('creates, reads, updates and lists runs; configs are stored without the API key', async () => {
    const store = await fresh();
    const input = newRun();
    const run = await store.createRun(input);
    expect(run.id).toMatch(/^run-/);
    expect(run.createdAt).toBe(run.updatedAt);
    expect((input.config.judge as Record<string, unknown>).apiKey).toBe(KEY); // the caller's object is untouched
    const stored = await store.getRun(run.id);
    expect(stored).toEqual(run);
    expect(stored!.config).toEqual({
      model: { nLayer: 2, maxNewTokens: 32 },
      judge: { baseUrl: 'http://localhost:8080/v1' },
    });

    const updated = await store.updateRun(run.id, {
      status: 'paused',
      step: 40,
      id: 'hijack',
      createdAt: 1,
      config: { ...stored!.config, judge: { nested: { api_key: KEY, model: 'm' } } },
    });
    expect(updated.id).toBe(run.id);
    expect(updated.createdAt).toBe(run.createdAt);
    expect(updated.updatedAt).toBeGreaterThanOrEqual(run.updatedAt);
    expect(updated.config.judge).toEqual({ nested: { model: 'm' } });
    expect(await store.getRun(run.id)).toEqual(updated);
    expect(JSON.stringify(await store.listRuns())).not.toContain(KEY);

    await expect(store.updateRun('nope', { step: 1 })).rejects.toBeInstanceOf(RunNotFoundError);
    await expect(store.createRun(newRun({ id: run.id }))).rejects.toThrow();
    await expect(store.createRun(newRun({ kind: 'bogus' as never }))).rejects.toThrow(/kind/);
  });

  it('lists newest first', async () => {
    const store = await fresh();
    const now = vi.spyOn(Date, 'now');
    now.mockReturnValue(1000);
    const a = await store.createRun(newRun({ name: 'a' }));
    now.mockReturnValue(3000);
    const c = await store.createRun(newRun({ name: 'c', id: 'c-id' }));
    now.mockReturnValue(2000);
    const b = await store.createRun(newRun({ name: 'b' }));
    expect((await store.listRuns()).map((r) => r.id)).toEqual([c.id, b.id, a.id]);
  });

  it('marks runs left running as interrupted on the next open, unless their lock is held', async () => {
    const factory = new IDBFactory();
    const s1 = await fresh(factory);
    const left = await s1.createRun(newRun({ name: 'left running' }));
    const elsewhere = await s1.createRun(newRun({ name: 'training in another tab' }));
    const paused = await s1.createRun(newRun({ name: 'paused', status: 'paused' }));
    s1.close();
    vi.stubGlobal('navigator', {
      locks: { query: async () => ({ held: [{ name: runLockName(elsewhere.id) }], pending: [] }) },
    });
    const s2 = await fresh(factory);
    expect((await s2.getRun(left.id))!.status).toBe('interrupted');
    expect((await s2.getRun(elsewhere.id))!.status).toBe('running');
    expect((await s2.getRun(paused.id))!.status).toBe('paused');
  });
});

describe('metrics', () => {
  it('stores one chunk per append and returns the series in step order', async () => {
    const store = await fresh();
    const { id } = await store.createRun(newRun());
    await store.appendMetrics(id, points(20, 29));
    await store.appendMetrics(id, points(0, 9));
    await store.appendMetrics(id, points(10, 19).reverse());
    await store.appendMetrics(id, points(10, 10, 'eval/loss')); // same step, another batch
    await store.appendMetrics(id, []);
    expect(await store.db.count('metricChunks')).toBe(4);
    const series = await store.getMetrics(id);
    expect(series.map((p) => p.step)).toEqual([
      ...Array(11).keys(),
      10,
      ...Array.from({ length: 19 }, (_, i) => i + 11),
    ]);
    expect(series.filter((p) => p.step === 10).map((p) => Object.keys(p.values)[0])).toEqual([
      'train/loss',
      'eval/loss',
    ]);
    expect(series[5]).toEqual(points(5, 5)[0]);
    await expect(store.appendMetrics('missing', points(0, 1))).rejects.toBeInstanceOf(RunNotFoundError);
    await expect(store.appendMetrics(id, [{ step: NaN, time: 0, values: {} }])).rejects.toThrow(/invalid metric point/);
  });

  it('keeps runs apart and truncates after a step', async () => {
    const store = await fresh();
    const a = await store.createRun(newRun({ name: 'a' }));
    const b = await store.createRun(newRun({ name: 'b' }));
    await store.appendMetrics(a.id, points(0, 9));
    await store.appendMetrics(a.id, points(10, 19));
    await store.appendMetrics(b.id, points(0, 4));
    await store.truncateMetrics(a.id, 14);
    expect((await store.getMetrics(a.id)).map((p) => p.step)).toEqual([...Array(15).keys()]);
    await store.truncateMetrics(a.id, 5);
    expect((await store.getMetrics(a.id)).map((p) => p.step)).toEqual([...Array(6).keys()]);
    expect(await store.getMetrics(b.id)).toEqual(points(0, 4));
  });
});

describe('checkpoints', () => {
  it("keeps periodic ones, replaces 'latest', lists without bytes, finds the highest step", async () => {
    const store = await fresh();
    const { id } = await store.createRun(newRun());
    await store.putCheckpoint(id, 10, bytes(100, 1), 'periodic');
    await store.putCheckpoint(id, 20, bytes(100, 2), 'periodic');
    await store.putCheckpoint(id, 25, bytes(100, 3), 'latest');
    await store.putCheckpoint(id, 30, bytes(120, 4), 'latest');
    const list = await store.listCheckpoints(id);
    expect(list.map((c) => [c.step, c.kind])).toEqual([
      [10, 'periodic'],
      [20, 'periodic'],
      [30, 'latest'],
    ]);
    expect(list.every((c) => c.runId === id && typeof c.createdAt === 'number' && !('bytes' in c))).toBe(true);
    const latest = await store.getLatestCheckpoint(id);
    expect(latest!.step).toBe(30);
    expect(new Uint8Array(latest!.bytes)).toEqual(new Uint8Array(bytes(120, 4)));
    await store.putCheckpoint(id, 40, bytes(8, 5), 'periodic');
    expect((await store.getLatestCheckpoint(id))!.step).toBe(40);
    expect(await store.getLatestCheckpoint('other')).toBeUndefined();
    // Same step and same time: the 'latest' one wins the tie, whichever was written first.
    vi.spyOn(Date, 'now').mockReturnValue(5e12);
    await store.putCheckpoint(id, 50, bytes(8, 6), 'latest');
    await store.putCheckpoint(id, 50, bytes(8, 7), 'periodic');
    const tie = await store.getLatestCheckpoint(id);
    expect([tie!.step, tie!.kind, new Uint8Array(tie!.bytes)[0]]).toEqual([
      50,
      'latest',
      new Uint8Array(bytes(8, 6))[0],
    ]);
    await expect(store.putCheckpoint('missing', 1, bytes(4, 0), 'latest')).rejects.toBeInstanceOf(RunNotFoundError);
    await expect(store.putCheckpoint(id, -1, bytes(4, 0), 'latest')).rejects.toThrow(/step/);
  });
});

describe('delete', () => {
  it('removes a run with its metrics and checkpoints, and nothing of other runs', async () => {
    const store = await fresh();
    const a = await store.createRun(newRun({ name: 'a' }));
    const b = await store.createRun(newRun({ name: 'b' }));
    for (const r of [a, b]) {
      await store.appendMetrics(r.id, points(0, 3));
      await store.putCheckpoint(r.id, 3, bytes(16, 1), 'latest');
    }
    await store.deleteRun(a.id);
    expect(await store.getRun(a.id)).toBeUndefined();
    expect(await store.getMetrics(a.id)).toEqual([]);
    expect(await store.listCheckpoints(a.id)).toEqual([]);
    expect((await store.listRuns()).map((r) => r.id)).toEqual([b.id]);
    expect(await store.getMetrics(b.id)).toEqual(points(0, 3));
    expect((await store.getLatestCheckpoint(b.id))!.step).toBe(3);
    await store.deleteRun('never-existed');
  });
});

describe('export and import', () => {
  it('round-trips config, metrics and checkpoint bytes under a new id', async () => {
    const store = await fresh();
    const run = await store.createRun(newRun({ notes: 'first try', adapter: 'SwiftShader' }));
    await store.appendMetrics(run.id, points(0, 49));
    await store.appendMetrics(run.id, [{ step: 50, time: 2000, values: { 'train/loss': NaN } }]);
    await store.putCheckpoint(run.id, 20, bytes(3000, 8), 'periodic');
    await store.putCheckpoint(run.id, 50, bytes(5000, 9), 'latest');
    const file = await store.exportRun(run.id);
    expect(new TextDecoder().decode(file.subarray(0, 8))).toBe('EXPRLRUN');

    const other = await fresh(); // another browser
    const imported = await other.importRun(file);
    expect(imported.id).not.toBe(run.id);
    expect(imported.status).toBe('interrupted'); // it was running where it came from
    expect(imported.config).toEqual((await store.getRun(run.id))!.config);
    expect([imported.name, imported.notes, imported.adapter, imported.step]).toEqual([
      run.name,
      'first try',
      'SwiftShader',
      run.step,
    ]);
    expect(await other.getRun(imported.id)).toEqual(imported);
    expect(await other.getMetrics(imported.id)).toEqual(await store.getMetrics(run.id));
    const ckpt = await other.getLatestCheckpoint(imported.id);
    expect(ckpt!.step).toBe(50);
    expect(new Uint8Array(ckpt!.bytes)).toEqual(new Uint8Array(bytes(5000, 9)));
    expect(await other.exportRun(imported.id)).not.toHaveLength(0);
  });

  it('never exports an API key, even one written around createRun', async () => {
    const store = await fresh();
    const run = await store.createRun(newRun());
    await store.db.put('runs', { ...run, config: { judge: { inner: { apiKey: KEY, authorization: 'Bearer x' } } } });
    const text = new TextDecoder().decode(await store.exportRun(run.id));
    expect(text).not.toContain(KEY);
    expect(text).not.toMatch(/apiKey|authorization|Bearer/);
    await expect(store.exportRun('missing')).rejects.toBeInstanceOf(RunNotFoundError);
  });

  it('never stores or exports a key in the name, error or notes of a run', async () => {
    const store = await fresh();
    const run = await store.createRun(newRun({ name: `judge ${KEY}`, notes: `key ${KEY}` }));
    await store.updateRun(run.id, { status: 'failed', error: `401: Incorrect API key provided: ${KEY}` });
    const all = JSON.stringify(await store.listRuns());
    expect(all).not.toContain(KEY);
    expect(all).toContain('Incorrect API key provided: [redacted]');
    expect(new TextDecoder().decode(await store.exportRun(run.id))).not.toContain(KEY);
  });

  it('rejects a bad file without writing anything', async () => {
    const store = await fresh();
    await expect(store.importRun(new TextEncoder().encode('hello'))).rejects.toThrow(/not an ExpRL run file/);
    expect(await store.listRuns()).toEqual([]);
  });
});
