// The `npm run judge` command's core with the built-in judge: it generates, reads, grades, prints and
// refuses bad options.
import { describe, expect, it } from 'vitest';
import { judgeCli, type JudgeCliIo } from '../../src/cli/judge';

function memoryIo(files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: JudgeCliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readFile: (p) => {
      if (!(p in files)) throw new Error(`ENOENT: no such file '${p}'`);
      return files[p];
    },
    writeFile: (p, t) => {
      files[p] = t;
    },
    env: {},
  };
  return { io, out, err, files };
}

describe('npm run judge (core)', () => {
  it('writes a generated set, then grades it and prints the table', async () => {
    const m = memoryIo();
    expect(
      await judgeCli(['--generate', '60', '--seed', '3', '--family', 'chain,linear', '--out', 'cal.jsonl'], m.io),
    ).toBe(0);
    const lines = m.files['cal.jsonl'].trim().split('\n');
    expect(lines).toHaveLength(60);
    expect(JSON.parse(lines[0])).toMatchObject({ kind: 'correct' });
    expect(await judgeCli(['--input', 'cal.jsonl', '--rubric', 'implicit'], m.io)).toBe(0);
    const table = m.out.join('\n');
    expect(table).toMatch(/judge: builtin {3}records: 60 {3}rubric: implicit/);
    expect(table).toMatch(/^reference\s+60\s+0\s+\d+\s+0\.0%\s+\d+\.\d%\s+\d+\.\d%$/m);
    expect(table).toMatch(/^no reference\s+60/m);
    expect(table).toMatch(/^wrong reference\s+60/m);
    expect(table).toMatch(/^correct\s+5\.00\s+5\.00/m);
  });

  it('grades in memory with --generate, as JSON on request', async () => {
    const m = memoryIo();
    expect(await judgeCli(['--generate', '20', '--error-rate', '0.2', '--json', '--process'], m.io)).toBe(0);
    const r = JSON.parse(m.out.join('\n'));
    expect(r.judge).toBe('builtin(error 0.2)');
    expect(r.stats).toHaveLength(3);
    expect(r.stats[0].meanProcess.correct).toBeGreaterThan(0);
  });

  it('reports bad input lines and carries on with the good ones', async () => {
    const good = JSON.stringify({
      question: 'Q: 1+2\n',
      reference: 'One and two make 3.',
      response: '### 1+2=3\nA: 3',
    });
    const m = memoryIo({ 'in.jsonl': `${good}\nnot json\n` });
    expect(await judgeCli(['--input', 'in.jsonl'], m.io)).toBe(0);
    expect(m.err.join('\n')).toMatch(/in\.jsonl:2: skipped: bad JSON/);
    const table = m.out.join('\n');
    expect(table).toMatch(/^reference\s+1\s+0\s+1\s+0\.0%\s+n\/a\s+n\/a$/m);
    expect(table).toMatch(/wrong reference: not graded: a wrong reference needs at least two records/);
  });

  it('refuses bad options with a clear message and exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [[], /exactly one of --input FILE or --generate N/],
      [['--input', 'a', '--generate', '5'], /exactly one of/],
      [['--generate', 'many'], /--generate must be an integer in \[2, 100000\], got "many"/],
      [['--generate', '10', '--judge', 'gpt'], /--judge must be one of builtin, llm, got "gpt"/],
      [['--generate', '10', '--error-rate', '2'], /--error-rate must be a number in \[0, 1\]/],
      [['--generate', '10', '--rubric', 'cached'], /--rubric must be one of explicit, implicit/],
      [['--generate', '10', '--family', 'chain,chess'], /--family: unknown family "chess"/],
      [['--generate', '10', '--frobnicate'], /Unknown option '--frobnicate'/],
      [['--generate', '10', 'extra'], /unexpected argument "extra"/],
      [['--input', 'missing.jsonl'], /cannot read --input missing\.jsonl/],
      [['--input', 'x', '--out', 'y'], /--out only goes with --generate/],
      [['--generate', '10', '--judge', 'llm'], /--judge llm needs --base-url and --model/],
      [['--generate', '10', '--model', 'm'], /--model needs --judge llm/],
      [
        ['--generate', '10', '--base-url', 'http://127.0.0.1:1/v1', '--model', 'm'],
        /--base-url and --model need --judge llm/,
      ],
      [['--generate', '10', '--api-key-env', 'K'], /--api-key-env needs --judge llm/],
      [
        ['--generate', '10', '--judge', 'llm', '--structured', 'yaml'],
        /--structured must be one of auto, json_schema, off/,
      ],
      [['--generate', '10', '--delimiter', ''], /--delimiter must not be empty/],
    ];
    for (const [argv, msg] of cases) {
      const m = memoryIo();
      expect(await judgeCli(argv, m.io), argv.join(' ')).toBe(2);
      expect(m.err[0], argv.join(' ')).toMatch(msg);
      expect(m.err[1]).toBe('run with --help for the options');
    }
    const h = memoryIo();
    expect(await judgeCli(['--help'], h.io)).toBe(0);
    expect(h.out[0]).toMatch(/^usage: npm run judge --/);
  });
});
