// `npm run judge -- --judge llm` against setups it cannot work with: each stops at the first call with
// one line naming the cause and the fix, and exits 1; per-call failures stay counted and dropped. Also
// --timeout, the progress line, the on-disk cache across runs, refused options, and the page's
// connection test giving the same lines.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeCli, type JudgeCliIo } from '../../src/cli/judge';
import { testJudgeConnection } from '../../src/judge/llm-connection';
import { FakeLlmServer, markerResponder, useFakeLlmServer } from '../helpers/fake-llm-server';

const KEY = 'sk-fatal-SECRET-91ab33cd0e';
const fake = useFakeLlmServer();
const cacheRoot = mkdtempSync(join(tmpdir(), 'exprl-judge-cache-'));
afterAll(() => rmSync(cacheRoot, { recursive: true, force: true }));

function memoryIo(env: Record<string, string | undefined> = {}, extra: Partial<JudgeCliIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: JudgeCliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readFile: () => '',
    writeFile: () => undefined,
    env,
    ...extra,
  };
  return { io, out, err };
}

// A model name of its own per run: a call aborted client-side may still reach the server after the
// run ended, so requests are counted by the run's model, not by what arrived since the last reset.
let runs = 0;
let model = 'judge-0';
const args = (baseUrl: string, ...more: string[]) => {
  model = `judge-${++runs}`;
  return ['--generate', '10', '--judge', 'llm', '--base-url', baseUrl, '--model', model, '--no-cache', ...more];
};
const seen = () => fake.server.requests.filter((r) => r.body.model === model).length;

/** Runs the CLI; returns the exit code, the error line and how many requests the fake server saw. */
async function fatalRun(argv: string[], env: Record<string, string | undefined> = {}) {
  const m = memoryIo(env);
  const code = await judgeCli(argv, m.io);
  const line = m.err.find((l) => l.startsWith('error: ')) ?? '';
  console.log(`exit ${code}: ${line}`);
  expect(JSON.stringify([m.out, m.err])).not.toContain(KEY.slice(3));
  return { code, line, out: m.out, err: m.err };
}

describe('fatal setups stop at the first call with one line', () => {
  it('401 and 403: check the API key', async () => {
    fake.server.responder = () => ({
      status: 401,
      body: JSON.stringify({ error: { message: 'Incorrect API key provided' } }),
    });
    const r = await fatalRun(args(fake.server.baseUrl), { OPENAI_API_KEY: KEY });
    expect(r.code).toBe(1);
    expect(r.line).toBe(
      `error: the server answered 401 (unauthorized) for ${fake.server.baseUrl}/chat/completions (server: "Incorrect API key provided"): check the API key, and that it may use model "${model}"`,
    );
    expect(r.out).toEqual([]); // no table of failed rows
    expect(seen()).toBeLessThanOrEqual(8); // the first wave of calls at most, never the whole set
    fake.server.responder = () => ({ status: 403, body: JSON.stringify({ error: { message: 'no access' } }) });
    expect((await fatalRun(args(fake.server.baseUrl, '--concurrency', '1'))).line).toMatch(
      /answered 403 \(forbidden\).*check the API key/,
    );
    expect(seen()).toBe(1); // one call, then the run stopped
  });

  it('404: a base URL without /v1, one with /chat/completions, an unknown model', async () => {
    const root = fake.server.baseUrl.replace(/\/v1$/, '');
    const r = await fatalRun(args(root));
    expect(r.code).toBe(1);
    expect(r.line).toBe(`error: the server answered 404 for ${root}/chat/completions: does the base URL end in /v1?`);
    const r2 = await fatalRun(args(`${fake.server.baseUrl}/chat/completions`));
    expect(r2.line).toBe(
      `error: the server answered 404 for ${fake.server.baseUrl}/chat/completions/chat/completions: the base URL must not include /chat/completions; use ${fake.server.baseUrl}`,
    );
    fake.server.models = ['qwen3:4b'];
    const r3 = await fatalRun(args(fake.server.baseUrl, '--concurrency', '1'));
    expect(r3.line).toBe(
      `error: the server answered 404 for ${fake.server.baseUrl}/chat/completions (server: "model "${model}" not found, try pulling it first"): model "${model}" is not served there; check the model name against ${fake.server.baseUrl}/models`,
    );
    expect(seen()).toBe(1);
  });

  it('a closed port, an unknown host, TLS to a plain-HTTP server: no retries, one line', async () => {
    const dead = await FakeLlmServer.start();
    const url = dead.baseUrl;
    await dead.close();
    const r = await fatalRun(args(url));
    expect(r.code).toBe(1);
    expect(r.line).toBe(
      `error: cannot connect to ${new URL(url).host} (connection refused): is the server running, and listening on that port?`,
    );
    const r2 = await fatalRun(args('http://no-such-host.invalid/v1'));
    expect(r2.line).toBe(
      'error: unknown host "no-such-host.invalid" (the name does not resolve): check the host name in the base URL',
    );
    const https = fake.server.baseUrl.replace('http://', 'https://');
    const r3 = await fatalRun(args(https));
    expect(r3.line).toBe(
      `error: TLS error talking to ${new URL(https).host} (ERR_SSL_WRONG_VERSION_NUMBER): the server speaks plain HTTP there; use http:// in the base URL`,
    );
    const r4 = await fatalRun(args('http://127.0.0.1:6000/v1'));
    expect(r4.line).toBe(
      'error: cannot use port 6000 of 127.0.0.1: fetch refuses that port for safety; run the server on another port',
    );
  });

  it('a reply that is not a chat completion', async () => {
    const html = createServer((_, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>welcome</html>'),
    );
    await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(html.address() as AddressInfo).port}/v1`;
    try {
      const r = await fatalRun(args(base));
      expect(r.code).toBe(1);
      expect(r.line).toBe(
        `error: the server at ${base}/chat/completions answered, but not with a chat completion (a body that is not JSON): is the base URL an OpenAI-compatible API, ending in /v1?`,
      );
      const c = await testJudgeConnection({ baseUrl: base, model: 'm' });
      expect(c).toEqual({ ok: false, fatal: true, line: r.line.slice('error: '.length) });
    } finally {
      html.closeAllConnections();
      await new Promise((resolve) => html.close(resolve));
    }
  });

  it('the connection test shows the same line, and says when it works', async () => {
    const root = fake.server.baseUrl.replace(/\/v1$/, '');
    expect(await testJudgeConnection({ baseUrl: root, model: 'fake-judge' })).toEqual({
      ok: false,
      fatal: true,
      line: `the server answered 404 for ${root}/chat/completions: does the base URL end in /v1?`,
    });
    const ok = await testJudgeConnection({ baseUrl: fake.server.baseUrl, model: 'fake-judge', apiKey: KEY });
    expect(ok).toMatchObject({
      ok: true,
      line: expect.stringMatching(
        /^fake-judge at .* wrote a rubric \(3 checkpoints\) and graded a correct answer 4\/5, in \d+ ms$/,
      ),
      rubric: '48*2 = 96 · 96+37 = 133 · 133-5 = 128',
      reply: expect.stringMatching(/Score: 4$/),
    });
    expect(fake.server.requests.map((q) => q.rubric)).toEqual([true, false]); // the requests a run begins with: a rubric, then a grade
    fake.server.responder = () => ({ content: 'Score: 4' }); // a server that never writes a rubric
    expect(await testJudgeConnection({ baseUrl: fake.server.baseUrl, model: 'fake-judge' })).toMatchObject({
      ok: false,
      fatal: false,
      rubric: 'Score: 4',
      line: expect.stringMatching(/^the reply to the rubric request is not a rubric .*implicit rubric mode/),
    });
    fake.server.reset(); // in the implicit mode a run begins with the grade alone, which this server answers
    const implicit = await testJudgeConnection({
      baseUrl: fake.server.baseUrl,
      model: 'fake-judge',
      rubricMode: 'implicit',
    });
    expect(implicit).toMatchObject({
      ok: true,
      reply: 'Score: 4',
      line: expect.stringMatching(/ graded \(implicit rubric\) a correct answer 4\/5, in \d+ ms$/),
    });
    expect(implicit).not.toHaveProperty('rubric');
    expect(fake.server.requests.map((q) => q.rubric)).toEqual([false]);
    fake.server.responder = markerResponder;
    const hung = await testJudgeConnection(
      { baseUrl: fake.server.baseUrl, model: 'fake-judge', timeoutMs: 100, maxRetries: 0 },
      {},
    );
    expect(hung.ok).toBe(true); // the default responder answers; now make it hang
    fake.server.responder = () => ({ hang: true });
    expect(
      await testJudgeConnection({ baseUrl: fake.server.baseUrl, model: 'm', timeoutMs: 100, maxRetries: 0 }),
    ).toEqual({
      ok: false,
      fatal: false,
      line: `no complete reply from ${fake.server.baseUrl}/chat/completions within 100 ms: is model "m" loaded? raise the timeout for slow models`,
    });
  });
});

describe('per-call failures, options, progress and the disk cache', () => {
  it('--timeout: a hanging server gives dropped grades, counted, and exit 0', async () => {
    fake.server.responder = () => ({ hang: true });
    const m = memoryIo();
    expect(
      await judgeCli(
        args(fake.server.baseUrl, '--timeout', '0.2', '--retries', '0', '--rubric', 'implicit', '--concurrency', '16'),
        m.io,
      ),
    ).toBe(0);
    expect(m.out.join('\n')).toMatch(/^reference\s+0\s+10\s/m);
    expect(m.err.at(-1)).toBe(
      'llm judge: 30 calls, 0 cache hits, 0 retries, 0 tokens, cost 0.0000; failed grades (left out of the table, never scored): timeout 30',
    );
    expect(seen()).toBe(30);
  });

  it('prints progress lines on long runs', async () => {
    let t = 0;
    const m = memoryIo({}, { now: () => (t += 1000), progressEveryMs: 5000 });
    expect(await judgeCli(args(fake.server.baseUrl, '--rubric', 'implicit'), m.io)).toBe(0);
    const lines = m.err.filter((l) => l.startsWith('progress: '));
    expect(lines.length).toBeGreaterThan(2);
    expect(lines[0]).toMatch(/^progress: \d+\/30 grades \(reference\), \d+ s$/);
  });

  it('the on-disk cache: the same command twice sends its requests once', async () => {
    const dir = join(cacheRoot, 'twice');
    const argv = [
      '--generate',
      '10',
      '--judge',
      'llm',
      '--base-url',
      fake.server.baseUrl,
      '--model',
      'fake-judge',
      '--cache-dir',
      dir,
    ];
    const first = memoryIo({ OPENAI_API_KEY: KEY });
    expect(await judgeCli(argv, first.io)).toBe(0);
    const sent = fake.server.requests.length;
    expect(sent).toBeGreaterThan(30);
    const second = memoryIo({ OPENAI_API_KEY: KEY });
    expect(await judgeCli(argv, second.io)).toBe(0);
    expect(fake.server.requests).toHaveLength(sent); // nothing new was asked
    expect(second.out).toEqual(first.out);
    expect(second.err.at(-1)).toMatch(/^llm judge: 0 calls, \d+ cache hits/);
    const { readdirSync, readFileSync } = await import('node:fs');
    const files = readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.json'));
    expect(files.length).toBe(sent);
    expect(files.map((f) => readFileSync(join(dir, f), 'utf8')).join('')).not.toContain(KEY.slice(3, 12));
  });

  it('refuses out-of-range options and blank model names instead of changing them', async () => {
    const cases: [string[], string][] = [
      [
        args(fake.server.baseUrl, '--concurrency', '64'),
        'error: --concurrency must be an integer in [1, 16], got "64"',
      ],
      [args(fake.server.baseUrl, '--timeout', '0'), 'error: --timeout must be a number in [0.1, 3600], got "0"'],
      [args(fake.server.baseUrl, '--retries', '11'), 'error: --retries must be an integer in [0, 10], got "11"'],
      [
        ['--generate', '10', '--judge', 'llm', '--base-url', fake.server.baseUrl, '--model', ' '],
        'error: --model must name a model, got " "',
      ],
      [['--generate', '10', '--timeout', '5'], 'error: --timeout needs --judge llm'],
      [args(fake.server.baseUrl, '--cache-dir', '/tmp/x'), 'error: give --cache-dir or --no-cache, not both'],
    ];
    for (const [argv, line] of cases) {
      const m = memoryIo();
      expect(await judgeCli(argv, m.io), argv.join(' ')).toBe(2);
      expect(m.err[0]).toBe(line);
      console.log(`exit 2: ${line}`);
    }
    expect(fake.server.requests.filter((r) => r.body.model === model || r.body.model === ' ')).toHaveLength(0);
  });
});
