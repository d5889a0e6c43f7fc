// IndexedDB implementation of JudgeCache (through the `idb` package), so LLM judge replies survive a
// page reload: a grade already paid for is never asked for again. Its own small database, separate
// from the run store; records hold scores and rationales only, never an API key.

import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { JudgeCache, JudgeCacheRecord } from './cache';

export const JUDGE_CACHE_DB = 'exprl-judge-cache';
export const JUDGE_CACHE_DB_VERSION = 1;
const STORE = 'entries';

interface JudgeCacheSchema extends DBSchema {
  entries: {
    key: string; // judgeCacheKey(...) hex digest
    value: JudgeCacheRecord;
    indexes: { 'by-created': number };
  };
}

export class IdbJudgeCache implements JudgeCache {
  private constructor(private readonly db: IDBPDatabase<JudgeCacheSchema>) {}

  /** Opens (creating on first use) the cache database. Needs a global indexedDB. */
  static async open(name = JUDGE_CACHE_DB): Promise<IdbJudgeCache> {
    const db = await openDB<JudgeCacheSchema>(name, JUDGE_CACHE_DB_VERSION, {
      upgrade(database, oldVersion) {
        // Version 1: one object store, out-of-line keys, an index for pruning by age.
        if (oldVersion < 1) {
          const store = database.createObjectStore(STORE);
          store.createIndex('by-created', 'createdAt');
        }
      },
    });
    return new IdbJudgeCache(db);
  }

  async get(key: string): Promise<JudgeCacheRecord | undefined> {
    return this.db.get(STORE, key);
  }

  async set(key: string, record: JudgeCacheRecord): Promise<void> {
    await this.db.put(STORE, record, key);
  }

  async delete(key: string): Promise<void> {
    await this.db.delete(STORE, key);
  }

  async clear(): Promise<void> {
    await this.db.clear(STORE);
  }

  async size(): Promise<number> {
    return this.db.count(STORE);
  }

  /** Deletes records created before `time` (ms since epoch); returns how many went. */
  async pruneOlderThan(time: number): Promise<number> {
    const tx = this.db.transaction(STORE, 'readwrite');
    let n = 0;
    let cursor = await tx.store.index('by-created').openCursor(IDBKeyRange.upperBound(time, true));
    while (cursor) {
      await cursor.delete();
      n++;
      cursor = await cursor.continue();
    }
    await tx.done;
    return n;
  }

  close(): void {
    this.db.close();
  }
}
