// The LLM judge's HTTP failure policy against a real server on 127.0.0.1: 429 with Retry-After, 5xx
// once and forever, replies slower than the timeout, refused connections, bodies that are not JSON,
// an abort mid-run (in-flight and queued calls end, nothing more reaches the server), and the
// concurrency bound under 100 parallel grades.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LlmJudge, type LlmJudgeConfig } from '../../src/judge/llm';
import { retryAfterMs } from '../../src/judge/llm-client';
import type { JudgeProblem } from '../../src/judge/types';
import { FakeLlmServer, markerResponder, scoreReply } from '../helpers/fake-llm-server';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await FakeLlmServer.start();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
  server.responder = markerResponder;
});

const problem: JudgeProblem = { id: 'p1', question: 'Q: 12+30*2', reference: '12 plus 30 is 42, doubled is 84.' };
const RATE_LIMITED = { status: 429, body: JSON.stringify({ error: { message: 'slow down' } }) };

function makeJudge(cfg: Partial<LlmJudgeConfig> = {}): LlmJudge {
  return new LlmJudge({
    baseUrl: server.baseUrl, model: 'fake-judge', timeoutMs: 2000, maxRetries: 2, retryBaseMs: 5, retryMaxMs: 20,
    structuredOutput: 'off', rubricMode: 'implicit', ...cfg,
  });
}

const gap = (i: number) => server.requests[i + 1].time - server.requests[i].time;

describe('retries', () => {
  it('429 waits as long as Retry-After says (seconds), then the retry succeeds', async () => {
    server.script({ ...RATE_LIMITED, headers: { 'retry-after': '1' } });
    const j = makeJudge();
    const g = await j.outcome(problem, 'A: 84 [[score:5]]');
    expect(g).toMatchObject({ k: 5, status: 'ok' });
    expect(server.requests).toHaveLength(2);
    expect(gap(0)).toBeGreaterThanOrEqual(950); // the 5 ms backoff would have retried at once
    expect(j.stats()).toMatchObject({ calls: 1, attempts: 2, retries: 1 });
  });

  it('429 honours retry-after-ms and an HTTP date, and caps a long Retry-After', async () => {
    server.script({ ...RATE_LIMITED, headers: { 'retry-after-ms': '150' } });
    await makeJudge().outcome(problem, 'A: 84');
    expect(gap(0)).toBeGreaterThanOrEqual(140);
    expect(gap(0)).toBeLessThan(900);
    server.reset();
    server.script({ ...RATE_LIMITED, headers: { 'retry-after': '30' } });
    const g = await makeJudge({ maxRetryAfterMs: 100 }).outcome(problem, 'A: 84');
    expect(g.status).toBe('ok');
    expect(gap(0)).toBeLessThan(900);
    const soon = new Date(Date.now() + 5000).toUTCString();
    const ms = retryAfterMs(new Headers({ 'retry-after': soon }))!;
    expect(ms).toBeGreaterThan(3000);
    expect(ms).toBeLessThanOrEqual(5000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });

  it('500 then success: retried after the (small) backoff', async () => {
    server.script({ status: 500, body: '{"error":{"message":"oops"}}' });
    const j = makeJudge();
    expect(await j.outcome(problem, 'A: 84 [[score:4]]')).toMatchObject({ k: 4, status: 'ok' });
    expect(server.requests).toHaveLength(2);
    expect(gap(0)).toBeLessThan(500);
    expect(j.stats().failures.error).toBe(0);
  });

  it('500 forever: maxRetries + 1 attempts, then a dropped grade (reward null), counted', async () => {
    const j = makeJudge({ maxRetries: 2 });
    const g = await j.outcome(problem, 'A: 84 [[status:500]]');
    expect(g).toMatchObject({ k: null, reward: null, status: 'error' });
    expect(g.error).toMatch(/HTTP 500.*after 3 attempts/);
    expect(server.requests).toHaveLength(3);
    expect(j.stats()).toMatchObject({ calls: 1, attempts: 3, retries: 2, failures: { error: 1 }, errors: { 'http-500': 1 } });
  });

  it('4xx other than 408/429 is not retried', async () => {
    const j = makeJudge();
    expect(await j.outcome(problem, 'x [[status:404]]')).toMatchObject({ reward: null, status: 'error' });
    expect(server.requests).toHaveLength(1);
    expect(j.stats().errors['http-404']).toBe(1);
  });

  it('a 200 whose body is not chat JSON is a malformed grade, not retried', async () => {
    server.script({ body: 'definitely not json' }, { body: JSON.stringify({ choices: [] }) });
    const j = makeJudge();
    expect(await j.outcome(problem, 'a')).toMatchObject({ k: null, reward: null, status: 'malformed' });
    expect(await j.outcome(problem, 'b')).toMatchObject({ k: null, reward: null, status: 'malformed' });
    expect(server.requests).toHaveLength(2);
  });

  it('a refused connection is retried, then a dropped grade', async () => {
    const dead = await FakeLlmServer.start();
    const url = dead.baseUrl;
    await dead.close();
    const j = new LlmJudge({ baseUrl: url, model: 'm', maxRetries: 1, retryBaseMs: 5, timeoutMs: 1000, structuredOutput: 'off' });
    const g = await j.outcome(problem, 'a');
    expect(g).toMatchObject({ k: null, reward: null, status: 'error' });
    expect(j.stats()).toMatchObject({ attempts: 2, errors: { connection: 1 } }); // the rubric call failed first: its reason is kept
    expect(g.error).toMatch(/^rubric: connection failed/);
  });
});

describe('timeouts', () => {
  it('a reply slower than the timeout is cut, retried, then a dropped grade', async () => {
    const j = makeJudge({ timeoutMs: 80, maxRetries: 1 });
    const t0 = performance.now();
    const g = await j.outcome(problem, 'A: 84 [[delay:1500]]');
    const elapsed = performance.now() - t0;
    expect(g).toMatchObject({ k: null, reward: null, status: 'error' });
    expect(g.error).toMatch(/within 80 ms/);
    expect(server.requests).toHaveLength(2);
    expect(elapsed).toBeLessThan(800); // two 80 ms attempts, not the server's 1500 ms
    expect(j.stats().errors.timeout).toBe(1);
  });

  it('the timeout covers the body too: headers at once, a body too late, is a timeout', async () => {
    server.script({ content: 'late\nScore: 5', bodyDelayMs: 1500 });
    const t0 = performance.now();
    const g = await makeJudge({ timeoutMs: 80, maxRetries: 0 }).outcome(problem, 'x');
    expect(g).toMatchObject({ k: null, reward: null, status: 'error' });
    expect(g.error).toMatch(/within 80 ms/);
    expect(performance.now() - t0).toBeLessThan(800);
  });

  it('a slow first reply, then a fast retry: the grade stands', async () => {
    server.script({ content: 'slow\nScore: 3', delayMs: 600 });
    const g = await makeJudge({ timeoutMs: 80 }).outcome(problem, 'A: 84 [[score:2]]');
    expect(g).toMatchObject({ k: 2, status: 'ok' });
    expect(server.requests).toHaveLength(2);
  });
});

describe('cancellation', () => {
  it('an abort mid-run ends in-flight and queued calls, and no further request reaches the server', async () => {
    server.responder = async (req) => ({ ...scoreReply(req, 4), delayMs: 1000 });
    const j = makeJudge({ concurrency: 2 });
    const ctrl = new AbortController();
    const all = Array.from({ length: 10 }, (_, i) => j.outcome(problem, `answer ${i}`, { signal: ctrl.signal }));
    const proc = j.process(problem, '### a\n### b\n### c', { signal: ctrl.signal });
    await new Promise((r) => setTimeout(r, 60));
    expect(server.requests).toHaveLength(2); // two in flight, the rest queued
    const t0 = performance.now();
    ctrl.abort();
    const grades = await Promise.all(all);
    const pg = await proc;
    expect(performance.now() - t0).toBeLessThan(400); // nobody waited for the 1000 ms replies
    for (const g of [...grades, ...pg.grades]) {
      expect(g).toMatchObject({ k: null, reward: null, status: 'error', error: 'aborted' });
    }
    expect(pg.ok).toBe(false);
    await new Promise((r) => setTimeout(r, 400));
    expect(server.requests).toHaveLength(2);
    expect(server.inFlight).toBe(0); // the client closed its in-flight requests
    expect(j.stats().errors.aborted).toBe(13);
    expect(j.stats().calls).toBe(2);
    // A signal aborted before the call sends nothing at all.
    expect(await j.outcome(problem, 'late', { signal: ctrl.signal })).toMatchObject({ status: 'error', error: 'aborted' });
    expect(server.requests).toHaveLength(2);
  });

  it('an abort during a Retry-After wait ends the call at once, with no retry sent', async () => {
    server.script({ ...RATE_LIMITED, headers: { 'retry-after': '5' } });
    const ctrl = new AbortController();
    const p = makeJudge().outcome(problem, 'x', { signal: ctrl.signal });
    await new Promise((r) => setTimeout(r, 80));
    ctrl.abort();
    const t0 = performance.now();
    expect(await p).toMatchObject({ reward: null, status: 'error', error: 'aborted' });
    expect(performance.now() - t0).toBeLessThan(300);
    await new Promise((r) => setTimeout(r, 100));
    expect(server.requests).toHaveLength(1);
  });

  it('an abort of one caller does not fail another waiting on the same shared rubric', async () => {
    server.responder = async (req) => ({ ...(req.rubric ? { content: 'Checkpoint 1: 42\nCheckpoint 2: 84' } : scoreReply(req, 5)), delayMs: 80 });
    const j = makeJudge({ rubricMode: 'explicit' });
    const ctrl = new AbortController();
    const a = j.outcome(problem, 'first', { signal: ctrl.signal });
    const b = j.outcome(problem, 'second');
    await new Promise((r) => setTimeout(r, 20));
    ctrl.abort();
    expect(await a).toMatchObject({ status: 'error', error: 'aborted' });
    expect(await b).toMatchObject({ k: 5, status: 'ok' });
  });
});

describe('concurrency', () => {
  it('holds the bound under 100 parallel grade calls', async () => {
    server.responder = async (req) => ({ ...scoreReply(req, 3), delayMs: 10 });
    const j = makeJudge({ concurrency: 4 });
    const grades = await Promise.all(Array.from({ length: 100 }, (_, i) => j.outcome(problem, `response ${i}`)));
    expect(grades.every((g) => g.status === 'ok' && g.k === 3)).toBe(true);
    expect(server.requests).toHaveLength(100);
    expect(server.maxInFlight).toBe(4);
  });
});
