// On-disk JudgeCache for Node (the judge CLI, the experiment runner): one small JSON file per entry in
// a folder of the caller's choice, so a grade paid for in one run is never asked for again in the
// next. Keys are judgeCacheKey digests (settings, prompt version, texts; never the API key); records
// hold scores and rationales only. Writes go through a temporary file and a rename, so a run killed
// mid-write leaves no half record; an unreadable or damaged file is a miss (the judge validates).

import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { JudgeCache, JudgeCacheRecord } from './cache';

const KEY = /^[0-9a-f]{16,128}$/;

/** $XDG_CACHE_HOME/exprl-playground/judge, else ~/.cache/exprl-playground/judge. */
export function defaultJudgeCacheDir(env: Record<string, string | undefined> = process.env): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'exprl-playground', 'judge');
}

export class FsJudgeCache implements JudgeCache {
  #seq = 0;

  constructor(readonly dir: string) {}

  private path(key: string): string {
    if (!KEY.test(key))
      throw new Error(`judge cache: a key must be a hex digest, got ${JSON.stringify(key.slice(0, 40))}`);
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<JudgeCacheRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.path(key), 'utf8')) as JudgeCacheRecord;
    } catch {
      return undefined; // missing, unreadable or not JSON: a miss
    }
  }

  async set(key: string, record: JudgeCacheRecord): Promise<void> {
    const file = this.path(key);
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    const tmp = `${file}.${process.pid}.${this.#seq++}.tmp`;
    await writeFile(tmp, JSON.stringify(record));
    await rename(tmp, file);
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async clear(): Promise<void> {
    for (const sub of await this.shards()) await rm(join(this.dir, sub), { recursive: true, force: true });
  }

  async size(): Promise<number> {
    let n = 0;
    for (const sub of await this.shards())
      n += (await readdir(join(this.dir, sub))).filter((f) => f.endsWith('.json')).length;
    return n;
  }

  private async shards(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((d) => /^[0-9a-f]{2}$/.test(d));
    } catch {
      return [];
    }
  }
}
