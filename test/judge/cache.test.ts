// The judge cache key (SHA-256 of configuration, prompt version and messages, never the API key),
// the in-memory JudgeCache, and the check that keeps a damaged record from becoming a reward.
import { describe, expect, it } from 'vitest';
import {
  MemoryJudgeCache,
  isValidRecord,
  judgeCacheKey,
  sha256Hex,
  type JudgeCacheKeyParts,
} from '../../src/judge/cache';

const parts: JudgeCacheKeyParts = {
  baseUrl: 'http://127.0.0.1:11434/v1',
  model: 'qwen3:4b',
  temperature: 0,
  maxTokens: 512,
  structured: 'json',
  promptVersion: 'v1',
  kind: 'outcome',
  messages: [{ role: 'user', content: 'grade this' }],
};

describe('judgeCacheKey', () => {
  it('is the SHA-256 hex of a canonical form', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const k = await judgeCacheKey(parts);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(await judgeCacheKey({ ...parts })).toBe(k);
    expect(await judgeCacheKey({ ...parts, baseUrl: parts.baseUrl + '/' })).toBe(k); // a trailing slash is the same server
  });

  it('changes with every part that changes the reply', async () => {
    const k = await judgeCacheKey(parts);
    const variants: Partial<JudgeCacheKeyParts>[] = [
      { baseUrl: 'http://127.0.0.1:8000/v1' },
      { model: 'other' },
      { temperature: 0.7 },
      { maxTokens: 100 },
      { structured: 'text' },
      { promptVersion: 'v2' },
      { kind: 'process' },
      { messages: [{ role: 'user', content: 'grade that' }] },
      { messages: [{ role: 'system', content: 'grade this' }] },
    ];
    const keys = await Promise.all(variants.map((v) => judgeCacheKey({ ...parts, ...v })));
    expect(new Set([k, ...keys]).size).toBe(variants.length + 1);
  });
});

describe('isValidRecord', () => {
  it('accepts only what the judge writes for that kind of call', () => {
    const grade = { kind: 'grade', k: 4, rationale: 'r', createdAt: 1 };
    const rubric = { kind: 'rubric', checkpoints: ['96', '133'], finalAnswer: '128', createdAt: 1 };
    expect(isValidRecord(grade, 'outcome')).toBe(true);
    expect(isValidRecord(grade, 'process')).toBe(true);
    expect(isValidRecord(rubric, 'rubric')).toBe(true);
    expect(isValidRecord(grade, 'rubric')).toBe(false);
    expect(isValidRecord(rubric, 'outcome')).toBe(false);
    for (const k of [0, 6, 4.5, '4', null]) expect(isValidRecord({ ...grade, k }, 'outcome'), String(k)).toBe(false);
    expect(isValidRecord({ ...grade, rationale: undefined }, 'outcome')).toBe(false);
    expect(isValidRecord({ ...rubric, checkpoints: ['96'] }, 'rubric')).toBe(false);
    expect(isValidRecord({ ...rubric, checkpoints: Array(7).fill('1') }, 'rubric')).toBe(false);
    expect(isValidRecord({ ...rubric, checkpoints: ['96', 133] }, 'rubric')).toBe(false);
    expect(isValidRecord({ ...rubric, finalAnswer: 128 }, 'rubric')).toBe(false);
    expect(isValidRecord(undefined, 'outcome')).toBe(false);
  });
});

describe('MemoryJudgeCache', () => {
  it('stores copies, deletes, clears and evicts the oldest past its bound', async () => {
    const c = new MemoryJudgeCache(2);
    const rec = { kind: 'rubric' as const, checkpoints: ['a', 'b'], createdAt: 1 };
    await c.set('k1', rec);
    rec.checkpoints.push('mutated');
    const got = await c.get('k1');
    expect(got).toEqual({ kind: 'rubric', checkpoints: ['a', 'b'], createdAt: 1 });
    await c.set('k2', { kind: 'grade', k: 4, rationale: 'r', createdAt: 2 });
    await c.set('k3', { kind: 'grade', k: 5, rationale: 'r', createdAt: 3 });
    expect(await c.size()).toBe(2);
    expect(await c.get('k1')).toBeUndefined();
    await c.delete('k2');
    expect(await c.get('k2')).toBeUndefined();
    await c.clear();
    expect(await c.size()).toBe(0);
  });
});
