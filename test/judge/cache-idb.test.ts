// The IndexedDB JudgeCache (through idb, on fake-indexeddb): round trips, persistence across a
// reopen, pruning by age, and an LLM judge in a "new session" answering from it without any call.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdbJudgeCache } from '../../src/judge/cache-idb';
import { LlmJudge } from '../../src/judge/llm';
import type { JudgeProblem } from '../../src/judge/types';
import { FakeLlmServer } from '../helpers/fake-llm-server';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await FakeLlmServer.start();
});
afterAll(async () => {
  await server.close();
});

describe('IdbJudgeCache', () => {
  it('stores, reads, counts, deletes and clears', async () => {
    const c = await IdbJudgeCache.open('test-cache-basic');
    await c.set('a', { kind: 'grade', k: 4, rationale: 'fine', createdAt: 10 });
    await c.set('b', { kind: 'rubric', checkpoints: ['x', 'y'], finalAnswer: 'y', createdAt: 20 });
    expect(await c.get('a')).toEqual({ kind: 'grade', k: 4, rationale: 'fine', createdAt: 10 });
    expect(await c.get('b')).toEqual({ kind: 'rubric', checkpoints: ['x', 'y'], finalAnswer: 'y', createdAt: 20 });
    expect(await c.get('missing')).toBeUndefined();
    expect(await c.size()).toBe(2);
    await c.set('a', { kind: 'grade', k: 2, rationale: 'replaced', createdAt: 30 });
    expect(await c.get('a')).toMatchObject({ k: 2 });
    await c.delete('a');
    expect(await c.size()).toBe(1);
    await c.clear();
    expect(await c.size()).toBe(0);
    c.close();
  });

  it('persists across close and reopen, and prunes records older than a time', async () => {
    const first = await IdbJudgeCache.open('test-cache-persist');
    for (let i = 0; i < 5; i++)
      await first.set(`k${i}`, { kind: 'grade', k: 1 + i, rationale: `r${i}`, createdAt: 100 * i });
    first.close();
    const second = await IdbJudgeCache.open('test-cache-persist');
    expect(await second.size()).toBe(5);
    expect(await second.get('k3')).toMatchObject({ k: 4, rationale: 'r3' });
    expect(await second.pruneOlderThan(250)).toBe(3); // createdAt 0, 100, 200
    expect(await second.get('k2')).toBeUndefined();
    expect(await second.get('k3')).toBeDefined();
    second.close();
  });

  it('lets a judge in a later session grade without calling the server', async () => {
    const problem: JudgeProblem = { id: 'p1', question: 'Q: 48*2+37', reference: 'Double 48 and add 37: 133.' };
    const cfg = {
      baseUrl: server.baseUrl,
      model: 'fake-judge',
      apiKey: 'sk-idb-secret-123456',
      structuredOutput: 'off' as const,
      rubricMode: 'explicit' as const,
    };
    const c1 = await IdbJudgeCache.open('test-cache-judge');
    const j1 = new LlmJudge(cfg, { cache: c1 });
    const pg1 = await j1.process(problem, '### 48*2=96\n### 96+37=133 [[score:5]]');
    expect(pg1.ok).toBe(true);
    const sent = server.requests.length;
    expect(sent).toBe(3); // rubric + two segments
    c1.close();

    const c2 = await IdbJudgeCache.open('test-cache-judge');
    const j2 = new LlmJudge(cfg, { cache: c2 });
    const pg2 = await j2.process(problem, '### 48*2=96\n### 96+37=133 [[score:5]]');
    expect(pg2).toEqual(pg1);
    expect(server.requests.length).toBe(sent);
    expect(j2.stats()).toMatchObject({ calls: 0, cacheHits: 3 });
    expect(await c2.size()).toBe(3);
    c2.close();
    // What is on disk: three records, the key in none of them.
    const db = await openDB('test-cache-judge');
    const stored = { keys: await db.getAllKeys('entries'), values: await db.getAll('entries') };
    db.close();
    expect(stored.values.map((v) => v.kind).sort()).toEqual(['grade', 'grade', 'rubric']);
    expect(JSON.stringify(stored)).not.toContain('sk-idb-secret');
  });
});
