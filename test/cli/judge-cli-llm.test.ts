// `npm run judge -- --judge llm` end to end against the fake chat-completions server on 127.0.0.1:
// the calibration table from LLM grades, the API key read from the environment only (sent in the
// header, never printed), judge failures counted and left out of the table (never scored as 0),
// the concurrency bound, the output modes, and the refusals of the LLM options.
import { describe, expect, it } from 'vitest';
import { judgeCli, type JudgeCliIo } from '../../src/cli/judge';
import { generateCalibrationSet, isCorrect } from '../../src/judge/calibration';
import {
  rubricReply,
  scoreReply,
  useFakeLlmServer,
  type FakeReply,
  type FakeRequest,
} from '../helpers/fake-llm-server';

const KEY = 'sk-cli-SECRET-4b1d9e77aa';
const N = 10;

const fake = useFakeLlmServer((req) => fairJudge(req));

const block = (text: string, tag: string) => new RegExp(`<${tag}>\\n([\\s\\S]*?)\\n</${tag}>`).exec(text)?.[1];

/**
 * A judge that does its job: 5 when the student's "A:" line states the reference's result (the last
 * number of our references), else 2; without a reference it cannot tell and says 4 to everything.
 */
function fairJudge(req: FakeRequest): FakeReply {
  if (req.rubric) return rubricReply(req);
  const reference = block(req.text, 'reference');
  if (reference === undefined) return scoreReply(req, 4, 'No reference; the work looks plausible.');
  const want = reference.match(/\d+/g)?.at(-1);
  const got = /^A: (\S+)$/m.exec(block(req.text, 'student') ?? '')?.[1];
  return scoreReply(req, got !== undefined && got === want ? 5 : 2);
}

function memoryIo(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: JudgeCliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readFile: (p) => {
      throw new Error(`ENOENT: no such file '${p}'`);
    },
    writeFile: () => undefined,
    env,
  };
  return { io, out, err };
}

// --no-cache: every run here must reach the server (the disk cache has its own test in judge-cli-fatal).
const llmArgs = () => [
  '--generate',
  String(N),
  '--seed',
  '1',
  '--judge',
  'llm',
  '--base-url',
  fake.server.baseUrl,
  '--model',
  'fake-judge',
  '--no-cache',
];

describe('npm run judge -- --judge llm', () => {
  it('prints the calibration table from LLM grades, with the key from the environment only', async () => {
    const positives = generateCalibrationSet(N, 1).filter(isCorrect).length;
    const m = memoryIo({ JUDGE_KEY: KEY });
    expect(await judgeCli([...llmArgs(), '--api-key-env', 'JUDGE_KEY', '--concurrency', '3'], m.io)).toBe(0);
    const table = m.out.join('\n');
    expect(table).toMatch(/^judge: llm:fake-judge {3}records: 10 {3}rubric: explicit$/m);
    expect(table).toMatch(new RegExp(`^reference\\s+10\\s+0\\s+${positives}\\s+0\\.0%\\s+0\\.0%\\s+0\\.0%$`, 'm'));
    expect(table).toMatch(/^no reference\s+10\s+0\s+\d+\s+0\.0%\s+100\.0%\s+50\.0%$/m); // it says 4 to everything
    expect(table).toMatch(/^wrong reference\s+10\s+0\s/m);
    expect(m.err.join('\n')).toMatch(
      /^llm judge: \d+ calls, \d+ cache hits, 0 retries, \d+ tokens, cost 0\.0000; failed grades \(left out of the table, never scored\): none$/,
    );
    // explicit rubrics: one per (problem, reference) shown; none without a reference
    const rubrics = fake.server.requests.filter((r) => r.rubric);
    expect(rubrics.length).toBeGreaterThanOrEqual(N + 1);
    expect(rubrics.length).toBeLessThanOrEqual(2 * N);
    expect(fake.server.requests.filter((r) => !r.rubric)).toHaveLength(3 * N);
    expect(fake.server.requests.every((r) => r.json && r.body.temperature === 0)).toBe(true); // 'auto': JSON accepted
    expect(fake.server.maxInFlight).toBeLessThanOrEqual(3);
    expect(fake.server.requests.every((r) => r.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(JSON.stringify([m.out, m.err])).not.toContain(KEY.slice(3));
  });

  it('sends no key when none is in its environment, whatever the process environment holds', async () => {
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-from-the-process-environment';
    try {
      const m = memoryIo({});
      expect(await judgeCli([...llmArgs(), '--structured', 'off', '--rubric', 'implicit'], m.io)).toBe(0);
      expect(fake.server.requests).toHaveLength(3 * N);
      expect(fake.server.requests.every((r) => r.authorization === undefined && !r.json)).toBe(true);
      expect(m.out.join('\n')).toMatch(/^reference\s+10\s+0\s+\d+\s+0\.0%\s+0\.0%/m); // text replies, same grades
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
  });

  it('counts judge failures with their reasons and leaves them out of the table, never scored', async () => {
    fake.server.responder = (req) => {
      if (!block(req.text, 'reference') && !req.rubric) return { content: 'I cannot grade this without a reference.' }; // no score line
      return fairJudge(req);
    };
    const m = memoryIo({ OPENAI_API_KEY: KEY });
    expect(await judgeCli([...llmArgs(), '--json'], m.io)).toBe(0);
    const r = JSON.parse(m.out.join('\n')) as {
      stats: { condition: string; graded: number; failed: number; fnr: number | null; meanK: Record<string, number> }[];
    };
    const none = r.stats.find((s) => s.condition === 'no reference')!;
    expect(none).toMatchObject({ graded: 0, failed: N, meanK: {} }); // no rates from failures, no 0 scores
    expect(none.fnr).toBeNull(); // NaN in JSON: nothing graded, nothing to measure
    expect(r.stats.find((s) => s.condition === 'reference')).toMatchObject({ graded: N, failed: 0 });
    expect(m.err.join('\n')).toMatch(
      new RegExp(`failed grades \\(left out of the table, never scored\\): no-score ${N}$`),
    );
    expect(fake.server.requests.every((q) => q.authorization === `Bearer ${KEY}`)).toBe(true); // OPENAI_API_KEY by default
    expect(JSON.stringify([m.out, m.err])).not.toContain(KEY.slice(3));
  });

  it('refuses LLM options that are missing, misplaced or would put the key on the command line', async () => {
    const cases: [string[], RegExp][] = [
      [
        [...llmArgs(), '--api-key-env', 'NOT_SET_ANYWHERE'],
        /--api-key-env: the environment variable NOT_SET_ANYWHERE is not set or is empty/,
      ],
      [[...llmArgs(), '--api-key-env', KEY], /--api-key-env takes the NAME of an environment variable/],
      [[...llmArgs(), '--api-key', KEY], /Unknown option '--api-key'/],
      [[...llmArgs(), '--error-rate', '0.1'], /--error-rate is a knob of the builtin judge only/],
      [
        ['--generate', '10', '--judge', 'llm', '--base-url', 'ftp://x', '--model', 'm'],
        /baseUrl must be an http\(s\) URL/,
      ],
    ];
    for (const [argv, msg] of cases) {
      const m = memoryIo({});
      const code = await judgeCli(argv, m.io);
      expect(code, argv.join(' ')).toBeGreaterThan(0);
      expect(m.err[0], argv.join(' ')).toMatch(msg);
      expect(JSON.stringify(m.err)).not.toContain(KEY.slice(3));
    }
    expect(fake.server.requests).toHaveLength(0);
  });
});
