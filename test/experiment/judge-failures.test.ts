// `npm run experiment` with an LLM judge on 127.0.0.1 that goes wrong: a 401 at the start, a reply
// without the rubric the run asked for, the server gone mid-run, replies slower than the timeout.
// Each run stops with one line and exit 1, leaves its cell unfinished (never done with failed
// grades), and the same command run again against a working judge on the same address ends with
// exactly the results of a run that never failed. The good run also checks the call estimate
// (equal to the requests the server saw; 0 on a rerun) and that evaluation grades concurrently.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeLlmServer, type FakeResponder } from '../helpers/fake-llm-server';
import { goodJudge, scoreOnlyJudge, slowJudge, unauthorizedJudge } from '../helpers/judge-scenarios';
import { figures, readResults, runExperiment } from '../helpers/experiment-cli';
import type { ResultsFile } from '../../src/experiment/results';

const TIMEOUT_MS = 10 * 60_000;
let dir = '';
let good: ResultsFile;
const servers: FakeLlmServer[] = [];

/** One outcome arm from the shipped checkpoint, 4 steps (a checkpoint after step 2), 4 x 2 evaluation samples. */
const args = (name: string, server: FakeLlmServer, more: string[] = []) => [
  '--preset',
  'smoke',
  '--checkpoint',
  'public/pretrained/pretrained.ckpt',
  '--arms',
  'outcome',
  '--stage1-steps',
  '4',
  '--stage2-steps',
  '0',
  '--judge',
  'llm',
  '--model',
  'fake',
  '--base-url',
  server.baseUrl,
  '--cache-dir',
  join(dir, `cache-${name}`),
  '--dir',
  dir,
  '--name',
  name,
  ...more,
];

async function serve(responder: FakeResponder, port?: number): Promise<FakeLlmServer> {
  const s = await FakeLlmServer.start(responder, { port });
  servers.push(s);
  return s;
}

const portOf = (s: FakeLlmServer) => Number(new URL(s.baseUrl).port);
// The CLI's own error lines (Dawn prints "error: XDG_RUNTIME_DIR ..." on machines without a session).
const errorLines = (out: string) =>
  out.split('\n').filter((l) => l.startsWith('error:') && !l.includes('XDG_RUNTIME_DIR'));
const announced = (out: string) => Number(/about ([\d,]+) requests to send/.exec(out)?.[1].replace(/,/g, '') ?? NaN);
/** The run's closing count: requests sent and grades answered from the cache (repeated responses). */
const closing = (out: string) => {
  const m = /judge: (\d+) requests sent, (\d+) answered from the cache/.exec(out);
  return { sent: Number(m?.[1] ?? NaN), cached: Number(m?.[2] ?? NaN) };
};

/** A failed run: exit 1, one error line matching `line`, and no cell done. */
async function expectStopped(name: string, server: FakeLlmServer, line: RegExp) {
  const r = await runExperiment(args(name, server));
  expect(r.code, r.out).toBe(1);
  expect(errorLines(r.out), r.out).toHaveLength(1);
  expect(errorLines(r.out)[0]).toMatch(line);
  const res = await readResults(dir, name);
  expect(res.complete).toBe(false);
  expect(res.cells.filter((c) => c.status === 'done')).toEqual([]);
  return r;
}

/** The same command against a working judge on the same address ends as the good run did. */
async function expectRerunEqual(name: string, failed: FakeLlmServer) {
  const port = portOf(failed);
  await failed.close();
  const fixed = await serve(goodJudge, port);
  const r = await runExperiment(args(name, fixed));
  expect(r.code, r.out).toBe(0);
  const res = await readResults(dir, name);
  expect(res.complete).toBe(true);
  expect(figures(res)).toEqual(figures(good));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'exprl-judge-'));
}, TIMEOUT_MS);

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close().catch(() => undefined);
});

describe('experiment with an LLM judge', () => {
  it(
    'a good run with slow replies: the estimate equals the requests sent, 0 on a rerun; grading is concurrent',
    async () => {
      const server = await serve(slowJudge(150)); // slow enough that concurrent requests overlap
      const r = await runExperiment(args('good', server));
      expect(r.code, r.out).toBe(0);
      good = await readResults(dir, 'good');
      expect(good.complete).toBe(true);
      expect(good.cells[0].judgeFailures).toEqual({});
      // every announced request is sent, or answered from the cache when a response repeats (a
      // near-deterministic start model repeats itself): never fewer sent, never more than both
      expect(closing(r.out).sent).toBe(server.requests.length);
      expect(announced(r.out)).toBeGreaterThanOrEqual(server.requests.length);
      expect(announced(r.out)).toBeLessThanOrEqual(server.requests.length + closing(r.out).cached);
      expect(server.maxInFlight).toBeGreaterThan(1);
      const again = await runExperiment(args('good', server));
      expect(again.code, again.out).toBe(0);
      expect(announced(again.out)).toBe(0);
      expect(server.requests.length).toBe(closing(r.out).sent); // the rerun sent nothing
    },
    TIMEOUT_MS,
  );

  it(
    'a 401 at the start stops at the first request with the cause and the fix',
    async () => {
      const server = await serve(unauthorizedJudge);
      await expectStopped(
        'unauthorized',
        server,
        /^error: the server answered 401 \(unauthorized\) .*check the API key/,
      );
      expect(server.requests).toHaveLength(1);
      await expectRerunEqual('unauthorized', server);
    },
    TIMEOUT_MS,
  );

  it(
    'a reply without the rubric the run asked for stops the run once, naming --rubric implicit',
    async () => {
      const server = await serve(scoreOnlyJudge);
      await expectStopped(
        'no-rubric',
        server,
        /^error: the judge's reply to the rubric request was not a rubric .*try --rubric implicit/,
      );
      expect(server.requests.filter((q) => q.rubric)).toHaveLength(1);
      await expectRerunEqual('no-rubric', server);
    },
    TIMEOUT_MS,
  );

  it(
    'a judge gone mid-run stops after the step in flight, and the cell resumes to the same results',
    async () => {
      const server = await serve(goodJudge);
      // Gone once training is under way: the opening check and the first steps were answered.
      void server.waitForRequests(12).then(() => server.close());
      const r = await expectStopped(
        'gone',
        server,
        new RegExp(
          `^error: outcome · Stage I · seed 1: cannot connect to 127\\.0\\.0\\.1:${portOf(server)} \\(connection refused\\).*run the same command again`,
        ),
      );
      expect(r.out).toMatch(/\[outcome · Stage I · seed 1\] step 1\/4/);
      expect(r.out).not.toMatch(/\[outcome · Stage I · seed 1\] done/);
      await expectRerunEqual('gone', server);
    },
    TIMEOUT_MS,
  );

  it(
    'replies slower than the timeout stop the run with the cause',
    async () => {
      const server = await serve(slowJudge(3000));
      const name = 'slow';
      const r = await runExperiment(args(name, server, ['--timeout', '0.3']));
      expect(r.code, r.out).toBe(1);
      expect(errorLines(r.out)).toHaveLength(1);
      expect(errorLines(r.out)[0]).toMatch(/^error: the judge failed the opening test grade of problem .* \(timeout: /);
      expect((await readResults(dir, name)).cells.filter((c) => c.status === 'done')).toEqual([]);
      const port = portOf(server);
      await server.close();
      const fixed = await serve(goodJudge, port);
      const again = await runExperiment(args(name, fixed, ['--timeout', '0.3']));
      expect(again.code, again.out).toBe(0);
      expect(figures(await readResults(dir, name))).toEqual(figures(good));
    },
    TIMEOUT_MS,
  );
});
