// Calibration with the built-in judge and the `npm run judge` command's core: the reference judge
// separates correct from incorrect responses far better than the no-reference judge, and a wrong
// reference is about chance; the CLI generates, reads, grades, prints and refuses bad options.
import { describe, expect, it } from 'vitest';
import { BuiltinJudge } from '../../src/judge/builtin';
import {
  calibrate,
  conditionProblem,
  formatCalibrationTable,
  generateCalibrationSet,
  isCorrect,
  parseCalibrationJsonl,
} from '../../src/judge/calibration';
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

describe('calibration', () => {
  it('generates a labelled mix of response kinds, deterministic per seed', () => {
    const set = generateCalibrationSet(50, 2);
    expect(set).toEqual(generateCalibrationSet(50, 2));
    expect(set.map((r) => r.kind).slice(0, 6)).toEqual(['correct', 'slip', 'logic', 'half', 'other', 'mimic']);
    // a mimic changes a step's digits, not its result: its answer stays right where a sum step allowed it
    const answerKept = (r: (typeof set)[number]) => r.response.endsWith(`A: ${r.answer}`);
    for (const r of set)
      expect(isCorrect(r)).toBe(r.kind === 'correct' || ((r.kind === 'other' || r.kind === 'mimic') && answerKept(r)));
    expect(set.filter((r) => r.kind === 'mimic' && r.response !== r.worked && answerKept(r)).length).toBeGreaterThan(0);
    expect(new Set(set.map((r) => r.id)).size).toBe(50);
    expect(() => generateCalibrationSet(1, 2)).toThrow(/at least 2 records/);
  });

  it('shows the reference judge beating the no-reference judge, and a wrong reference near chance', async () => {
    const records = generateCalibrationSet(400, 1);
    for (const errorRate of [0, 0.18]) {
      const stats = await calibrate(records, new BuiltinJudge({ errorRate, seed: 1 }), { process: true });
      console.log(formatCalibrationTable(stats, `built-in judge, error rate ${errorRate}, 400 generated records`));
      const [ref, none, wrong] = stats;
      expect(stats.map((s) => s.condition)).toEqual(['reference', 'no reference', 'wrong reference']);
      for (const s of stats) expect(s.graded + s.failed).toBe(400);
      expect(ref.positives).toBeGreaterThanOrEqual(80);
      expect(ref.error).toBeLessThan(none.error - 0.1);
      expect(none.error).toBeLessThan(wrong.error);
      expect(wrong.error).toBeGreaterThan(0.4);
      expect(ref.meanK.correct).toBeGreaterThan(ref.meanK.half);
      expect(ref.meanK.half).toBeGreaterThan(ref.meanK.other);
      if (errorRate === 0) {
        expect(ref.fnr).toBe(0);
        expect(ref.meanK.correct).toBe(5);
        expect(none.meanK.other).toBe(5); // valid arithmetic on the wrong problem fools it
      }
    }
  });

  it("shows the judge each condition's view of the problem", () => {
    const p = { id: 'a', question: 'Q: 1+2\n', reference: 'One and two make 3.', answer: '3', intermediates: ['3'] };
    const q = { id: 'b', question: 'Q: 5+5\n', reference: 'Ten.', answer: '10', intermediates: ['10'] };
    expect(conditionProblem(p, 'reference', [p, q])).toBe(p);
    expect(conditionProblem(p, 'no reference', [p, q])).toEqual({ id: 'a#noref', question: 'Q: 1+2\n', reference: '' });
    expect(conditionProblem(p, 'wrong reference', [p, q])).toEqual({
      id: 'b',
      question: 'Q: 1+2\n',
      reference: 'Ten.',
      answer: '10',
      intermediates: ['10'],
    });
  });

  it('parses calibration JSONL, reporting bad lines', () => {
    const text = [
      JSON.stringify({ question: 'Q', reference: 'R = 3', response: 'A: 3', correct: true, kind: 'k' }),
      '{oops',
      JSON.stringify({ question: 'Q', response: 'A: 3' }),
      '',
    ].join('\n');
    const r = parseCalibrationJsonl(text);
    expect(r.records).toHaveLength(1);
    expect(r.records[0]).toMatchObject({ correct: true, kind: 'k', id: 'line-1' });
    expect(r.errors.map((e) => e.line)).toEqual([2, 3]);
    expect(r.errors[1].reason).toBe('missing or non-string field reference');
  });

  it('reports optional fields of the wrong type instead of ignoring them, and reads past a byte-order mark', () => {
    const base = { question: 'Q', reference: 'R = 3', response: 'A: 3' };
    const rows = [
      { ...base, correct: 'yes' }, // would otherwise fall back to the answer checker without a word
      { ...base, answer: null },
      { ...base, kind: 3 },
      { ...base, intermediates: [1, { x: 2 }] },
      { ...base, id: ['a'] },
      5,
      ['a'],
      { ...base, answer: 3, id: 7, intermediates: [1, '3'], correct: false },
    ];
    const r = parseCalibrationJsonl('\uFEFF' + rows.map((x) => JSON.stringify(x)).join('\n'));
    expect(r.errors).toEqual([
      { line: 1, reason: 'field "correct" is not true or false' },
      { line: 2, reason: 'field "answer" is not a string or number' },
      { line: 3, reason: 'field "kind" is not a string' },
      { line: 4, reason: 'field "intermediates" is not a list of strings or numbers' },
      { line: 5, reason: 'field "id" is not a string or number' },
      { line: 6, reason: 'not a JSON object' },
      { line: 7, reason: 'not a JSON object' },
    ]);
    expect(r.records).toEqual([
      { ...base, answer: '3', id: '7', intermediates: ['1', '3'], correct: false, kind: undefined },
    ]);
    expect(parseCalibrationJsonl('\uFEFF' + JSON.stringify(base)).records).toHaveLength(1);
  });
});

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
