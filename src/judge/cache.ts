// The LLM judge's cache: the JudgeCache interface, an in-memory implementation, and the cache key, a
// SHA-256 (Web Crypto, Node >= 20 and browsers) of the judge configuration, PROMPT_VERSION and the
// exact messages sent; records are checked before use. The API key is never part of a key or a
// record. IndexedDB: cache-idb.ts.

import type { ChatMessage } from './prompts';
import { MAX_CHECKPOINTS, MIN_CHECKPOINTS } from './types';

/** What is cached: only replies that parsed ('ok'); failures are always asked again. */
export type JudgeCacheRecord =
  | { kind: 'grade'; k: number; rationale: string; createdAt: number }
  | { kind: 'rubric'; checkpoints: string[]; finalAnswer?: string; createdAt: number };

/**
 * Whether a record read back from a cache is one the judge could have written for a call of `kind`:
 * a grade with an integer k in 1..5, or a rubric of 2..6 string checkpoints. A record that is not
 * (a damaged or hand-edited database) is treated as a miss, never turned into a reward.
 */
export function isValidRecord(record: unknown, kind: 'rubric' | 'outcome' | 'process'): record is JudgeCacheRecord {
  if (typeof record !== 'object' || record === null) return false;
  const r = record as Record<string, unknown>;
  if (kind === 'rubric') {
    const cps = r.checkpoints;
    return (
      r.kind === 'rubric' &&
      Array.isArray(cps) &&
      cps.length >= MIN_CHECKPOINTS &&
      cps.length <= MAX_CHECKPOINTS &&
      cps.every((c) => typeof c === 'string') &&
      (r.finalAnswer === undefined || typeof r.finalAnswer === 'string')
    );
  }
  return (
    r.kind === 'grade' &&
    Number.isInteger(r.k) &&
    (r.k as number) >= 1 &&
    (r.k as number) <= 5 &&
    typeof r.rationale === 'string'
  );
}

export interface JudgeCache {
  get(key: string): Promise<JudgeCacheRecord | undefined>;
  set(key: string, record: JudgeCacheRecord): Promise<void>;
  delete(key: string): Promise<void>;
  clear(): Promise<void>;
  size(): Promise<number>;
}

/** Everything that changes a judge's reply, and nothing else (no API key, no timeouts or retries). */
export interface JudgeCacheKeyParts {
  baseUrl: string;
  model: string;
  temperature: number;
  maxTokens: number;
  structured: 'json' | 'text'; // the output mode actually used for this call
  promptVersion: string;
  kind: 'rubric' | 'outcome' | 'process';
  messages: ChatMessage[]; // the rendered prompt: problem, reference, rubric and graded text
}

/** Lower-case hex SHA-256 of a UTF-8 string. */
export async function sha256Hex(text: string): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle)
    throw new Error(
      'Web Crypto (crypto.subtle) is not available: the judge cache needs Node >= 20 or a secure browser context',
    );
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The cache key: a hash of the parts serialised as a fixed-order array (key order cannot vary). */
export function judgeCacheKey(p: JudgeCacheKeyParts): Promise<string> {
  const canonical = JSON.stringify([
    p.promptVersion,
    p.kind,
    p.baseUrl.replace(/\/+$/, ''),
    p.model,
    p.temperature,
    p.maxTokens,
    p.structured,
    p.messages.map((m) => [m.role, m.content]),
  ]);
  return sha256Hex(canonical);
}

/** In-memory cache for one session (tests, the CLI). Oldest entries leave first past maxEntries. */
export class MemoryJudgeCache implements JudgeCache {
  private readonly map = new Map<string, JudgeCacheRecord>();

  constructor(readonly maxEntries = 100_000) {}

  async get(key: string): Promise<JudgeCacheRecord | undefined> {
    const r = this.map.get(key);
    return r === undefined ? undefined : structuredClone(r); // callers cannot mutate what is stored
  }

  async set(key: string, record: JudgeCacheRecord): Promise<void> {
    this.map.delete(key);
    this.map.set(key, structuredClone(record));
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }

  async delete(key: string): Promise<void> {
    this.map.delete(key);
  }

  async clear(): Promise<void> {
    this.map.clear();
  }

  async size(): Promise<number> {
    return this.map.size;
  }
}
