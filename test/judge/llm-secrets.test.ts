// The API key never leaves the HTTP Authorization header: not in grades, errors, counters, cache
// keys or records, console output, the judge object, or constructor errors, whatever fails, even
// when the server echoes the key back in an error body. Without a key, none is sent, not even one
// found in OPENAI_API_KEY.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryJudgeCache, type JudgeCacheRecord } from '../../src/judge/cache';
import { LlmJudge, type LlmJudgeConfig } from '../../src/judge/llm';
import type { JudgeProblem } from '../../src/judge/types';
import { markerResponder, useFakeLlmServer } from '../helpers/fake-llm-server';

const KEY = 'sk-SECRET-do-not-leak-7f3a91c2';

/** A memory cache that also keeps every key and record written, to inspect. */
class RecordingCache extends MemoryJudgeCache {
  readonly written: [string, JudgeCacheRecord][] = [];
  override async set(key: string, record: JudgeCacheRecord): Promise<void> {
    this.written.push([key, record]);
    await super.set(key, record);
  }
}

const fake = useFakeLlmServer();
afterEach(() => {
  vi.restoreAllMocks();
});

const problem: JudgeProblem = { id: 'p1', question: 'Q: 7*6', reference: 'Seven sixes make 42.' };

function judge(cfg: Partial<LlmJudgeConfig>, cache: RecordingCache): LlmJudge {
  return new LlmJudge(
    {
      baseUrl: fake.server.baseUrl,
      model: 'fake-judge',
      apiKey: KEY,
      timeoutMs: 1000,
      maxRetries: 1,
      retryBaseMs: 2,
      retryMaxMs: 5,
      ...cfg,
    },
    { cache },
  );
}

describe('API key hygiene', () => {
  it('the key is sent to the server and appears nowhere else, whatever fails', async () => {
    const logged: unknown[] = [];
    for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void logged.push(args));
    }
    const cache = new RecordingCache();
    const returned: unknown[] = [];
    const thrown: unknown[] = [];
    const judges: LlmJudge[] = [];
    for (const structuredOutput of ['off', 'json_schema'] as const) {
      for (const rubricMode of ['explicit', 'implicit'] as const) {
        // One judge per kind of failure: a fatal one (the 401, the non-chat body) latches its judge.
        const j = judge({ structuredOutput, rubricMode }, cache);
        for (const marker of [
          '[[score:5]]',
          '[[noscore]]',
          '[[score:9]]',
          '[[status:500]]',
          '[[echokey]]',
          '[[status:401]]',
        ]) {
          returned.push(await j.outcome(problem, `A: 42 ${marker}`));
          returned.push(await j.process(problem, `### 7*6=42 ${marker}\n### A: 42`));
        }
        const hung = judge({ structuredOutput, rubricMode: 'implicit', timeoutMs: 100, maxRetries: 0 }, cache); // a reply that never comes
        returned.push(await hung.outcome(problem, 'A: 42 [[hang]]'));
        const cut = judge({ structuredOutput, rubricMode: 'implicit' }, cache);
        fake.server.script({ content: '{"analysis": "cut', finishReason: 'length' }, { body: 'not json' });
        returned.push(
          await cut.outcome({ ...problem, id: 'p2', question: 'Q: 8*6' }, 'x'),
          await cut.outcome(problem, 'y'),
        );
        const ctrl = new AbortController();
        const pending = hung.outcome(problem, 'A: 42 [[hang]] again', { signal: ctrl.signal });
        ctrl.abort();
        returned.push(await pending);
        judges.push(j, hung, cut);
        returned.push(j.stats(), hung.stats(), cut.stats());
      }
    }
    // Rubric failure whose server error echoes the key.
    fake.server.responder = (req) =>
      req.rubric
        ? { status: 403, body: JSON.stringify({ error: { message: `denied for ${req.authorization}` } }) }
        : markerResponder(req);
    const rj = judge({ rubricMode: 'explicit' }, cache);
    judges.push(rj);
    returned.push(await rj.outcome({ ...problem, id: 'p3', question: 'Q: 9*6' }, 'A: 54'), rj.stats());
    // A dead endpoint.
    const dead = new LlmJudge({
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'm',
      apiKey: KEY,
      timeoutMs: 200,
      maxRetries: 0,
      structuredOutput: 'off',
    });
    judges.push(dead);
    returned.push(await dead.outcome(problem, 'x'), dead.stats());
    // Configuration errors.
    for (const bad of [{ baseUrl: 'not a url' }, { timeoutMs: -1 }, { maxRetries: 1.5 }, { concurrency: 0 }]) {
      try {
        new LlmJudge({ baseUrl: fake.server.baseUrl, model: 'm', apiKey: KEY, ...bad });
      } catch (e) {
        thrown.push(e, String(e), (e as Error).message, (e as Error).stack);
      }
    }
    expect(thrown.length).toBe(16);

    // The misbehaviours really happened, and the key really went over the wire.
    const statuses = new Set(
      (returned.filter((r) => (r as { status?: string }).status) as { status: string }[]).map((g) => g.status),
    );
    expect([...statuses].sort()).toEqual(['error', 'malformed', 'no-score', 'ok', 'out-of-range']);
    const echoed = returned.filter((r) => JSON.stringify(r).includes('[redacted]'));
    expect(echoed.length).toBeGreaterThan(0); // the server echoed the key; it was redacted
    expect(fake.server.requests.every((r) => r.authorization === `Bearer ${KEY}`)).toBe(true);

    const everything = JSON.stringify({ returned, thrown: thrown.map(String), cache: cache.written, judges, logged });
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(KEY.slice(3, 20)); // not even part of it
    expect(cache.written.length).toBeGreaterThan(0);
    for (const j of judges) expect(JSON.stringify(j.config)).not.toContain(KEY);
  });

  it('without a key no Authorization header is sent, even with OPENAI_API_KEY set', async () => {
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-from-the-environment';
    try {
      const j = new LlmJudge({
        baseUrl: fake.server.baseUrl,
        model: 'm',
        structuredOutput: 'off',
        rubricMode: 'implicit',
      });
      expect(await j.outcome(problem, 'A: 42 [[score:5]]')).toMatchObject({ k: 5, status: 'ok' });
      expect(fake.server.requests).toHaveLength(1);
      expect(fake.server.requests[0].authorization).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
  });
});
