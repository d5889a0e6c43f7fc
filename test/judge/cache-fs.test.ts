// The on-disk judge cache: records survive a new instance (a new run), writes leave no temporary
// files, a damaged file is a miss (and the judge asks again), keys must be digests, and the default
// folder follows XDG_CACHE_HOME.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FsJudgeCache, defaultJudgeCacheDir } from '../../src/judge/cache-fs';
import { LlmJudge } from '../../src/judge/llm';
import { useFakeLlmServer } from '../helpers/fake-llm-server';

const root = mkdtempSync(join(tmpdir(), 'exprl-cache-fs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const fake = useFakeLlmServer();
const KEY = 'ab'.repeat(32);

describe('FsJudgeCache', () => {
  it('keeps records across instances, counts, deletes and clears', async () => {
    const dir = join(root, 'a');
    const a = new FsJudgeCache(dir);
    expect(await a.get(KEY)).toBeUndefined();
    expect(await a.size()).toBe(0);
    await a.set(KEY, { kind: 'grade', k: 4, rationale: 'fine', createdAt: 1 });
    await a.set('cd'.repeat(32), { kind: 'rubric', checkpoints: ['1', '2'], createdAt: 2 });
    const b = new FsJudgeCache(dir);
    expect(await b.get(KEY)).toEqual({ kind: 'grade', k: 4, rationale: 'fine', createdAt: 1 });
    expect(await b.size()).toBe(2);
    expect(readdirSync(join(dir, 'ab'))).toEqual([`${KEY}.json`]); // no temporary file left behind
    await b.delete(KEY);
    expect(await b.get(KEY)).toBeUndefined();
    await b.clear();
    expect(await b.size()).toBe(0);
    await expect(b.set('../../etc/passwd', { kind: 'grade', k: 1, rationale: '', createdAt: 0 })).rejects.toThrow(
      /hex digest/,
    );
  });

  it('a damaged record is a miss: the judge asks again and rewrites it', async () => {
    const dir = join(root, 'b');
    const cfg = {
      baseUrl: fake.server.baseUrl,
      model: 'm',
      structuredOutput: 'off' as const,
      rubricMode: 'implicit' as const,
    };
    const first = new LlmJudge(cfg, { cache: new FsJudgeCache(dir) });
    expect(await first.outcome({ id: 'p', question: 'Q', reference: 'R' }, 'A [[score:5]]')).toMatchObject({ k: 5 });
    const [shard] = readdirSync(dir);
    const [file] = readdirSync(join(dir, shard));
    writeFileSync(join(dir, shard, file), '{"kind":"grade","k":9'); // cut short and out of range
    const again = new LlmJudge(cfg, { cache: new FsJudgeCache(dir) });
    expect(await again.outcome({ id: 'p', question: 'Q', reference: 'R' }, 'A [[score:5]]')).toMatchObject({ k: 5 });
    expect(fake.server.requests).toHaveLength(2);
    const third = new LlmJudge(cfg, { cache: new FsJudgeCache(dir) });
    expect(await third.outcome({ id: 'p', question: 'Q', reference: 'R' }, 'A [[score:5]]')).toMatchObject({ k: 5 });
    expect(third.stats().cacheHits).toBe(1);
    expect(fake.server.requests).toHaveLength(2);
  });

  it('defaults to XDG_CACHE_HOME, else ~/.cache', () => {
    expect(defaultJudgeCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe(
      '/x/cache/exprl-playground/judge',
    );
    expect(defaultJudgeCacheDir({ HOME: '/home/u' })).toBe('/home/u/.cache/exprl-playground/judge');
  });
});
