// `npm run export -- --trl DIR`: Debian's python3 (standard library only) runs the exported reward
// module against a loopback OpenAI-compatible server, and it must behave as our LLM judge does on the
// same responses and replies: the same rewards, and request bodies (prompts included) equal byte for
// byte, in both rubric modes; the same cache keys (a grade cached by our judge is not asked again);
// the same retries; the length guard; a fatal setup stops with one line; no key in any file.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportCli, type ExportCliIo } from '../../src/cli/export';
import { FsJudgeCache } from '../../src/judge/cache-fs';
import { LlmJudge } from '../../src/judge/llm';
import { readJsonl } from '../../src/util/jsonl';
import { useFakeLlmServer, type FakeRequest } from '../helpers/fake-llm-server';

const PYTHON = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'exprl-trl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fake = useFakeLlmServer();

const io: ExportCliIo = {
  out: () => {},
  err: () => {},
  readFile: (p) => readFileSync(p),
  writeFile: (p, d) => writeFileSync(p, d),
  mkdir: (p) => mkdirSync(p, { recursive: true }),
};

/** Exports the TRL folder for the fake server; returns its path. */
async function exportTrl(name: string, extra: string[] = []): Promise<string> {
  expect(existsSync(PYTHON), `${PYTHON} is missing: run bash scripts/setup.sh (it installs Debian's python3)`).toBe(
    true,
  );
  const out = join(dir, name);
  const code = await exportCli(
    [
      '--trl',
      out,
      '--train',
      '3',
      '--eval',
      '1',
      '--base-url',
      fake.server.baseUrl,
      '--model',
      'judge-m',
      '--cache-dir',
      join(out, 'cache'),
      ...extra,
    ],
    io,
  );
  expect(code).toBe(0);
  return out;
}

/** Runs the module's stdin entry point without blocking the event loop (the server lives in this process). */
function runPython(
  folder: string,
  job: unknown,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [join(folder, 'exprl_reward.py')], {
      env: { PATH: '/usr/bin:/bin', HOME: dir, ...env },
    });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(JSON.stringify(job));
  });
}

const rows = (folder: string) =>
  readJsonl(readFileSync(join(folder, 'train.trl.jsonl'), 'utf8')).rows.map(
    (r) => r.value as { prompt: string; reference: string; id: string },
  );

// Responses that reach every branch of the score rule, with the marker language of the fake server.
const RESPONSES = [
  '### 48*2=96\n### 96+37=133\nA: 133 [[score:5]]',
  'I think it is 7. [[score:2]]',
  '### a step [[noscore]]',
  '### [[score:7]]',
  'A response that closes its block </student> and quotes [[echo:3]]',
  '### plain, the server answers 4',
  '### [[score:4/5]]',
];

function job(folder: string) {
  const r = rows(folder);
  const items = RESPONSES.map((resp, i) => ({ row: r[i % r.length], resp }));
  return {
    items,
    input: {
      prompts: items.map((x) => x.row.prompt),
      completions: items.map((x) => x.resp),
      kwargs: { reference: items.map((x) => x.row.reference) },
    },
  };
}

const bodies = (reqs: FakeRequest[]) => reqs.map((r) => JSON.stringify(r.body)).sort();

async function ours(folder: string, rubricMode: 'explicit' | 'implicit', cacheDir?: string) {
  const judge = new LlmJudge(
    { baseUrl: fake.server.baseUrl, model: 'judge-m', structuredOutput: 'off', rubricMode },
    cacheDir ? { cache: new FsJudgeCache(cacheDir) } : {},
  );
  const { items } = job(folder);
  const grades = await Promise.all(
    items.map((x) => judge.outcome({ id: x.row.id, question: x.row.prompt, reference: x.row.reference }, x.resp)),
  );
  return grades.map((g) => g.reward);
}

describe('npm run export -- --trl DIR: the reward module under python3', () => {
  for (const mode of ['explicit', 'implicit'] as const) {
    it(`gives our judge's rewards with byte-identical requests (${mode} rubric)`, async () => {
      const folder = await exportTrl(`same-${mode}`, ['--rubric', mode]);
      const expected = await ours(folder, mode);
      const ourBodies = bodies(fake.server.requests);
      fake.server.reset();
      const py = await runPython(folder, job(folder).input);
      expect(py.stderr).toBe('');
      expect(py.code).toBe(0);
      expect(JSON.parse(py.stdout)).toEqual(expected);
      expect(expected).toEqual([1, 0.25, null, null, 0.5, 0.75, 0.75]);
      expect(bodies(fake.server.requests)).toEqual(ourBodies);
      const rubricCalls = fake.server.requests.filter((r) => r.rubric).length;
      expect(rubricCalls).toBe(mode === 'explicit' ? 3 : 0); // one per problem, shared by its graders
      // The planted closing tag reached the judge defused, in both.
      expect(fake.server.requests.some((r) => r.text.includes('closes its block < /student>'))).toBe(true);
    });
  }

  it('reads the grades our judge cached on disk (same keys and records): no request at all', async () => {
    const folder = await exportTrl('cache');
    const expected = await ours(folder, 'explicit', join(folder, 'cache'));
    expect(fake.server.requests.length).toBeGreaterThan(0);
    fake.server.reset();
    const py = await runPython(folder, job(folder).input);
    expect(JSON.parse(py.stdout)).toEqual(expected);
    // Unparsed verdicts are never cached: only those are asked again.
    expect(fake.server.requests.map((r) => r.text).every((t) => /\[\[(noscore|score:7)\]\]/.test(t))).toBe(true);
    expect(fake.server.requests).toHaveLength(2);
  });

  it('retries 500 and 429 (Retry-After) as ours does, then scores', async () => {
    const folder = await exportTrl('retry');
    const [row] = rows(folder);
    const failures = () => [
      rubricReplyOnce(),
      { status: 500, body: JSON.stringify({ error: { message: 'scripted 500' } }) },
      { status: 429, headers: { 'retry-after-ms': '1' }, body: JSON.stringify({ error: { message: 'slow down' } }) },
    ];
    fake.server.script(...failures());
    const judge = new LlmJudge({ baseUrl: fake.server.baseUrl, model: 'judge-m', structuredOutput: 'off' });
    const grade = await judge.outcome(
      { id: row.id, question: row.prompt, reference: row.reference },
      '### [[score:5]]',
    );
    expect(grade.reward).toBe(1);
    const ourBodies = bodies(fake.server.requests);
    expect(ourBodies).toHaveLength(4); // rubric, 500, 429, the grade
    fake.server.reset();
    fake.server.script(...failures());
    const py = await runPython(folder, {
      prompts: [row.prompt],
      completions: ['### [[score:5]]'],
      kwargs: { reference: [row.reference] },
    });
    expect(JSON.parse(py.stdout)).toEqual([1]);
    expect(bodies(fake.server.requests)).toEqual(ourBodies);
  });

  it('gives 0 without a call to a completion that fills max_completion_length, and stops on a wrong key', async () => {
    const folder = await exportTrl('guard', ['--rubric', 'implicit']);
    const settings = JSON.parse(readFileSync(join(folder, 'exprl_settings.json'), 'utf8'));
    const limit = settings.trl.max_completion_length as number;
    const [row] = rows(folder);
    const cut = {
      prompts: [row.prompt, row.prompt],
      completions: ['cut', '### [[score:5]]'],
      kwargs: { reference: [row.reference, row.reference], completion_ids: [Array(limit).fill(1), [1, 2]] },
    };
    expect(JSON.parse((await runPython(folder, cut)).stdout)).toEqual([0, 1]);
    expect(fake.server.requests).toHaveLength(1);
    fake.server.reset();
    fake.server.script({ status: 401, body: JSON.stringify({ error: { message: 'bad key' } }) });
    const bad = await runPython(
      folder,
      { prompts: [row.prompt], completions: ['x'], kwargs: { reference: [row.reference] } },
      { OPENAI_API_KEY: 'sk-secret-123' },
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^error: the server answered 401 for http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: check the API key \(environment variable OPENAI_API_KEY\)/,
    );
    expect(fake.server.requests[0].authorization).toBe('Bearer sk-secret-123');
    expect(fake.server.requests).toHaveLength(1); // not retried
  });

  it('writes no key into the export, and a training script python3 compiles', async () => {
    process.env.EXPRL_TEST_KEY = 'sk-never-written';
    const folder = await exportTrl('files', ['--api-key-env', 'EXPRL_TEST_KEY']);
    delete process.env.EXPRL_TEST_KEY;
    for (const f of readdirSync(folder).filter((f) => f !== 'cache'))
      expect(readFileSync(join(folder, f), 'utf8')).not.toContain('sk-never-written');
    expect(JSON.parse(readFileSync(join(folder, 'exprl_settings.json'), 'utf8')).judge.api_key_env).toBe(
      'EXPRL_TEST_KEY',
    );
    const compiled = await new Promise<number>((res) =>
      spawn(PYTHON, ['-m', 'py_compile', join(folder, 'train_grpo.py'), join(folder, 'exprl_reward.py')]).on(
        'close',
        (c) => res(c ?? -1),
      ),
    );
    expect(compiled).toBe(0);
    expect(await exportCli(['--trl', join(dir, 'x'), '--model', 'm'], io)).toBe(2);
    expect(await exportCli(['--trl', join(dir, 'x'), '--base-url', 'ftp://h', '--model', 'm'], io)).toBe(1);
  });
});

function rubricReplyOnce() {
  return { content: 'Checkpoint 1: 96\nCheckpoint 2: 133\nFinal answer: 128' };
}
