// The LLM judge's HTTP failure policy against a real server on 127.0.0.1: 429 with Retry-After, 5xx
// once and forever, replies that never come (timeouts), setups that cannot work (fatal: latched, no
// retry), bodies that are not chat completions, an abort mid-run (in-flight and queued calls end,
// nothing more reaches the server), and the concurrency bound under 100 parallel grades.
// No wall-clock windows: tests wait for events (a request seen, a retry scheduled, the server idle),
// read the scheduled waits from the retry events, and use replies that never come where a delay
// would otherwise have to outlast a timer; so the suite holds on a loaded machine.
import { describe, expect, it } from 'vitest';
import { LlmJudge, type LlmJudgeConfig } from '../../src/judge/llm';
import { retryAfterMs, type RetryEvent } from '../../src/judge/llm-client';
import type { JudgeProblem } from '../../src/judge/types';
import { FakeLlmServer, scoreReply, useFakeLlmServer } from '../helpers/fake-llm-server';

const fake = useFakeLlmServer();
const problem: JudgeProblem = { id: 'p1', question: 'Q: 12+30*2', reference: '12 plus 30 is 42, doubled is 84.' };
const RATE_LIMITED = { status: 429, body: JSON.stringify({ error: { message: 'slow down' } }) };

/** A judge with fast backoff whose scheduled retries are recorded (and can be awaited). */
function makeJudge(cfg: Partial<LlmJudgeConfig> = {}, onRetry?: (e: RetryEvent) => void) {
  const retries: RetryEvent[] = [];
  const judge = new LlmJudge(
    {
      baseUrl: fake.server.baseUrl,
      model: 'fake-judge',
      timeoutMs: 30_000,
      maxRetries: 2,
      retryBaseMs: 5,
      retryMaxMs: 20,
      structuredOutput: 'off',
      rubricMode: 'implicit',
      ...cfg,
    },
    {
      onRetry: (e) => {
        retries.push(e);
        onRetry?.(e);
      },
    },
  );
  return { judge, retries };
}

describe('retries', () => {
  it('429 waits as long as Retry-After says (seconds), then the retry succeeds', async () => {
    fake.server.script({ ...RATE_LIMITED, headers: { 'retry-after': '1' } });
    const { judge, retries } = makeJudge();
    const g = await judge.outcome(problem, 'A: 84 [[score:5]]');
    expect(g).toMatchObject({ k: 5, status: 'ok' });
    expect(fake.server.requests).toHaveLength(2);
    expect(retries).toEqual([{ attempt: 1, reason: 'http-429', waitMs: 1000, retryAfter: true }]); // not the 5 ms backoff
    // a lower bound on elapsed time holds under any load: the wait really happened
    expect(fake.server.requests[1].time - fake.server.requests[0].time).toBeGreaterThanOrEqual(950);
    expect(judge.stats()).toMatchObject({ calls: 1, attempts: 2, retries: 1 });
  });

  it('429 honours retry-after-ms and an HTTP date, and caps a long Retry-After', async () => {
    fake.server.script({ ...RATE_LIMITED, headers: { 'retry-after-ms': '150' } });
    const a = makeJudge();
    expect(await a.judge.outcome(problem, 'A: 84')).toMatchObject({ status: 'ok' });
    expect(a.retries.map((r) => r.waitMs)).toEqual([150]);
    fake.server.script({ ...RATE_LIMITED, headers: { 'retry-after': '30' } });
    const b = makeJudge({ maxRetryAfterMs: 100 });
    expect(await b.judge.outcome(problem, 'A: 84')).toMatchObject({ status: 'ok' });
    expect(b.retries).toEqual([{ attempt: 1, reason: 'http-429', waitMs: 100, retryAfter: true }]);
    const soon = new Date(Date.now() + 5000).toUTCString();
    const ms = retryAfterMs(new Headers({ 'retry-after': soon }))!;
    expect(ms).toBeGreaterThan(3000);
    expect(ms).toBeLessThanOrEqual(5000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });

  it('500 then success: retried after the (small) backoff', async () => {
    fake.server.script({ status: 500, body: '{"error":{"message":"oops"}}' });
    const { judge, retries } = makeJudge();
    expect(await judge.outcome(problem, 'A: 84 [[score:4]]')).toMatchObject({ k: 4, status: 'ok' });
    expect(fake.server.requests).toHaveLength(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ reason: 'http-500', retryAfter: false });
    expect(retries[0].waitMs).toBeLessThanOrEqual(5); // retryBaseMs, jittered down
    expect(judge.stats().failures.error).toBe(0);
  });

  it('500 forever: maxRetries + 1 attempts, then a dropped grade (reward null), counted', async () => {
    const { judge, retries } = makeJudge({ maxRetries: 2 });
    const g = await judge.outcome(problem, 'A: 84 [[status:500]]');
    expect(g).toMatchObject({ k: null, reward: null, status: 'error' });
    expect(g.error).toMatch(/HTTP 500.*after 3 attempts/);
    expect(fake.server.requests).toHaveLength(3);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(judge.stats()).toMatchObject({
      calls: 1,
      attempts: 3,
      retries: 2,
      failures: { error: 1 },
      errors: { 'http-500': 1 },
      fatal: null,
    });
  });

  it('4xx other than 401/403/404/408/429 is not retried and not fatal', async () => {
    const { judge } = makeJudge();
    expect(await judge.outcome(problem, 'x [[status:400]]')).toMatchObject({ reward: null, status: 'error' });
    expect(await judge.outcome(problem, 'x [[score:3]]')).toMatchObject({ k: 3, status: 'ok' });
    expect(fake.server.requests).toHaveLength(2);
    expect(judge.stats().errors['http-400']).toBe(1);
    expect(judge.fatal).toBeUndefined();
  });

  it('a fatal failure (404) is not retried, is latched, and later calls send nothing', async () => {
    const fatals: string[] = [];
    const judge = new LlmJudge(
      { baseUrl: fake.server.baseUrl, model: 'm', structuredOutput: 'off', rubricMode: 'implicit' },
      { onFatal: (l) => fatals.push(l) },
    );
    const g = await judge.outcome(problem, 'x [[status:404]]');
    expect(g).toMatchObject({ reward: null, status: 'error' });
    expect(g.error).toMatch(/^the server answered 404 for http:.*\/v1\/chat\/completions \(server: "scripted 404"\)/);
    expect(await judge.outcome(problem, 'y [[score:5]]')).toMatchObject({
      reward: null,
      status: 'error',
      error: g.error,
    });
    expect(fake.server.requests).toHaveLength(1);
    expect(fatals).toEqual([g.error]);
    expect(judge.stats()).toMatchObject({ attempts: 1, fatal: g.error, errors: { 'http-404': 1, fatal: 1 } });
  });

  it('a 200 whose body is not a chat completion is a malformed grade, fatal, not retried', async () => {
    for (const body of ['definitely not json', JSON.stringify({ choices: [] })]) {
      fake.server.reset();
      fake.server.script({ body });
      const { judge } = makeJudge();
      const g = await judge.outcome(problem, 'a');
      expect(g).toMatchObject({ k: null, reward: null, status: 'malformed' });
      expect(g.error).toMatch(/answered, but not with a chat completion \((a body that is not JSON|no choices)\)/);
      expect(judge.fatal).toBe(g.error);
      expect(fake.server.requests).toHaveLength(1);
    }
  });

  it('a refused connection is fatal at once: one attempt, no retries', async () => {
    const dead = await FakeLlmServer.start();
    const url = dead.baseUrl;
    await dead.close();
    const retries: RetryEvent[] = [];
    const j = new LlmJudge(
      { baseUrl: url, model: 'm', maxRetries: 3, retryBaseMs: 5, structuredOutput: 'off' },
      { onRetry: (e) => retries.push(e) },
    );
    const g = await j.outcome(problem, 'a');
    expect(g).toMatchObject({ k: null, reward: null, status: 'error' });
    expect(g.error).toBe(
      `rubric: cannot connect to ${new URL(url).host} (connection refused): is the server running, and listening on that port?`,
    );
    expect(retries).toEqual([]);
    expect(j.stats()).toMatchObject({ attempts: 1, errors: { connection: 1 } }); // the rubric call failed first: its reason is kept
  });
});

describe('timeouts', () => {
  it('a reply that never comes is cut at the timeout, retried, then a dropped grade', async () => {
    const { judge, retries } = makeJudge({ timeoutMs: 80, maxRetries: 1 });
    const g = await judge.outcome(problem, 'A: 84 [[hang]]');
    expect(g).toMatchObject({ k: null, reward: null, status: 'error' });
    expect(g.error).toMatch(/within 80 ms/);
    expect(fake.server.requests).toHaveLength(2);
    expect(retries.map((r) => r.reason)).toEqual(['timeout']);
    expect(judge.stats().errors.timeout).toBe(1);
  });

  it('the timeout covers the body too: headers at once and a body that never comes is a timeout', async () => {
    fake.server.script({ content: 'late\nScore: 5', bodyHang: true });
    const g = await makeJudge({ timeoutMs: 80, maxRetries: 0 }).judge.outcome(problem, 'x');
    expect(g).toMatchObject({ k: null, reward: null, status: 'error' });
    expect(g.error).toMatch(/within 80 ms/);
  });

  it('a first reply that never comes, then a retry that answers: the grade stands', async () => {
    fake.server.script({ hang: true });
    // long enough for a loaded machine to answer the retry, short enough to cut the hung first reply
    const { judge, retries } = makeJudge({ timeoutMs: 1500 });
    expect(await judge.outcome(problem, 'A: 84 [[score:2]]')).toMatchObject({ k: 2, status: 'ok' });
    expect(fake.server.requests).toHaveLength(2);
    expect(retries.map((r) => r.reason)).toEqual(['timeout']);
  });
});

describe('cancellation', () => {
  it('an abort mid-run ends in-flight and queued calls, and no further request reaches the server', async () => {
    fake.server.responder = () => ({ hang: true }); // only the abort can end these calls
    const { judge } = makeJudge({ concurrency: 2 });
    const ctrl = new AbortController();
    const all = Array.from({ length: 10 }, (_, i) => judge.outcome(problem, `answer ${i}`, { signal: ctrl.signal }));
    const proc = judge.process(problem, '### a\n### b\n### c', { signal: ctrl.signal });
    await fake.server.waitForRequests(2); // two in flight, the rest queued behind the bound
    ctrl.abort();
    const grades = await Promise.all(all);
    const pg = await proc;
    for (const g of [...grades, ...pg.grades]) {
      expect(g).toMatchObject({ k: null, reward: null, status: 'error', error: 'aborted' });
    }
    expect(pg.ok).toBe(false);
    await fake.server.waitForIdle(); // the client closed its two in-flight requests
    expect(fake.server.requests).toHaveLength(2);
    expect(judge.stats().errors.aborted).toBe(13);
    expect(judge.stats().calls).toBe(2); // every queued call ended without being sent
    // A signal aborted before the call sends nothing at all.
    expect(await judge.outcome(problem, 'late', { signal: ctrl.signal })).toMatchObject({
      status: 'error',
      error: 'aborted',
    });
    expect(judge.stats().calls).toBe(2);
  });

  it('an abort during a Retry-After wait ends the call at once, with no retry sent', async () => {
    fake.server.script({ ...RATE_LIMITED, headers: { 'retry-after': '3600' } }); // capped to maxRetryAfterMs: 60 s
    const ctrl = new AbortController();
    const { judge } = makeJudge({}, () => ctrl.abort()); // abort the moment the retry is scheduled
    // Were the wait not cut short, this would take 60 s and the test would time out.
    expect(await judge.outcome(problem, 'x', { signal: ctrl.signal })).toMatchObject({
      reward: null,
      status: 'error',
      error: 'aborted',
    });
    expect(judge.stats()).toMatchObject({ calls: 1, attempts: 1 }); // the call ended before a second attempt
    expect(fake.server.requests).toHaveLength(1);
  });

  it('an abort of one caller does not fail another waiting on the same shared rubric', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    fake.server.responder = async (req) => {
      if (req.rubric) await gate; // the rubric call stays open until the first caller has aborted
      return req.rubric ? { content: 'Checkpoint 1: 42\nCheckpoint 2: 84' } : scoreReply(req, 5);
    };
    const { judge } = makeJudge({ rubricMode: 'explicit' });
    const ctrl = new AbortController();
    const a = judge.outcome(problem, 'first', { signal: ctrl.signal });
    const b = judge.outcome(problem, 'second');
    await fake.server.waitForRequests(1);
    ctrl.abort();
    expect(await a).toMatchObject({ status: 'error', error: 'aborted' });
    release();
    expect(await b).toMatchObject({ k: 5, status: 'ok' });
  });
});

describe('concurrency', () => {
  it('holds the bound under 100 parallel grade calls', async () => {
    // The first four replies wait until four requests are in flight at once, so the bound is reached
    // whatever the load; no timeout can fire (30 s) and no retry can add requests (maxRetries 0).
    fake.server.responder = async (req) => {
      if (req.index < 4) await fake.server.waitForInFlight(4);
      return scoreReply(req, 3);
    };
    const { judge } = makeJudge({ concurrency: 4, maxRetries: 0 });
    const grades = await Promise.all(Array.from({ length: 100 }, (_, i) => judge.outcome(problem, `response ${i}`)));
    expect(grades.every((g) => g.status === 'ok' && g.k === 3)).toBe(true);
    expect(fake.server.requests).toHaveLength(100);
    expect(fake.server.maxInFlight).toBe(4);
  });
});
