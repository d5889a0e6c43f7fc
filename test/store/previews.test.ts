// Previews kept with a run (generations, RL traces): bounded per kind, trimmed on a resume, deleted
// with the run, carried by run files; an imported run keeps its creation time and is marked imported.

import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db';
import { decodeRunFile, encodeRunFile } from '../../src/store/run-file';

const run = {
  name: 'rl',
  kind: 'midtrain' as const,
  status: 'done' as const,
  step: 3,
  totalSteps: 3,
  config: { kind: 'rl' },
};

describe('previews', () => {
  it('keeps the newest n of a kind, trims after a step, goes with the run', async () => {
    const store = await openStore('previews-1', new IDBFactory());
    const r = await store.createRun(run);
    for (let s = 1; s <= 5; s++)
      await store.putPreview(r.id, 'traces', s, { step: s, traces: [{ tokens: [4, 5], advantages: [0.5, -0.5] }] }, 3);
    await store.putPreview(r.id, 'samples', 2, { samples: [] }, 4);
    const kept = await store.getPreviews(r.id);
    expect(kept.map((p) => `${p.kind}:${p.step}`)).toEqual(['samples:2', 'traces:3', 'traces:4', 'traces:5']);
    expect(kept[1].data).toEqual({ step: 3, traces: [{ tokens: [4, 5], advantages: [0.5, -0.5] }] });
    await store.truncatePreviews(r.id, 3);
    expect((await store.getPreviews(r.id)).map((p) => p.step)).toEqual([2, 3]);
    await expect(store.putPreview('nope', 'traces', 1, {}, 3)).rejects.toThrow(/No run/);
    await store.deleteRun(r.id);
    expect(await store.getPreviews(r.id)).toEqual([]);
    store.close();
  });

  it('a run file carries the previews; the import keeps the creation time and marks the run imported', async () => {
    const a = await openStore('previews-2', new IDBFactory());
    const r = await a.createRun(run);
    await a.putPreview(r.id, 'traces', 3, { step: 3, G: 2 }, 12);
    const file = await a.exportRun(r.id);
    expect(decodeRunFile(file).previews).toEqual([{ kind: 'traces', step: 3, data: { step: 3, G: 2 } }]);
    const b = await openStore('previews-3', new IDBFactory());
    const older = await b.createRun({ ...run, name: 'made here later' });
    while (Date.now() <= older.createdAt) await new Promise((ok) => setTimeout(ok, 1)); // the import comes strictly later
    const imported = await b.importRun(file);
    expect(imported.createdAt).toBe(r.createdAt);
    expect(imported.importedAt).toBeGreaterThanOrEqual(older.createdAt);
    expect((await b.listRuns())[0].id).toBe(imported.id); // listed by when it came in
    expect((await b.getPreviews(imported.id)).map((p) => p.step)).toEqual([3]);
    // Files written before previews existed still read (no field), and a malformed list is refused.
    const bare = encodeRunFile({ run: r, metrics: [], checkpoint: null });
    expect(decodeRunFile(bare).previews).toBeUndefined();
    const json = new TextEncoder().encode(JSON.stringify({ run: r, metrics: [], checkpoint: null, previews: {} }));
    const bad = new Uint8Array(16 + json.byteLength);
    bad.set(bare.subarray(0, 12));
    new DataView(bad.buffer).setUint32(12, json.byteLength, true);
    bad.set(json, 16);
    expect(() => decodeRunFile(bad)).toThrow(/previews is not a list/);
    a.close();
    b.close();
  });
});
