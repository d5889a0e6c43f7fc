// `npm run dataset -- FILE`: what it prints for a good file, a file with bad lines, and each
// file-level problem (empty, UTF-16 without a byte-order mark), the normalised file it writes, and
// its exit codes. Run in-process through its io, and once through npm's entry point.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetCli } from '../../src/cli/dataset';
import { readJsonl } from '../../src/util/jsonl';

const dir = mkdtempSync(join(tmpdir(), 'exprl-dataset-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[], files: Record<string, Uint8Array | string>) {
  const out: string[] = [];
  const err: string[] = [];
  const written: Record<string, string> = {};
  const code = await datasetCli(argv, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readFile: (p) => {
      const f = files[p];
      if (f === undefined) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
      return typeof f === 'string' ? new TextEncoder().encode(f) : f;
    },
    writeFile: (p, t) => void (written[p] = t),
  });
  return { code, out, err, written };
}

const GOOD = '{"question": "What is 2+3?", "reference": "Two and three make 5.", "final": "5"}';

describe('npm run dataset', () => {
  it('prints counts, errors by line, warnings, and what does not fit; writes the normalised file', async () => {
    const text = [
      GOOD,
      '{"question": "Half of 10?", "answer": "10/2 = <<10/2=5>>5\\n#### 5"}',
      '{"question": "x"',
      '{"question": "Half of 8?", "answer": "8/2 = 4\\n####"}',
      `{"question": "${'y'.repeat(140)}", "reference": "r", "final": "1"}`,
    ].join('\n');
    const r = await run(['d.jsonl', '--out', 'n.jsonl'], { 'd.jsonl': text });
    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      'd.jsonl: 2 of 5 problems usable (not usable: 2 bad lines, 1 too long for the 160-token context)',
      '  5 non-blank lines: 3 problems, 2 errors; 0 warnings on 0 lines',
      'errors (lines not imported):',
      expect.stringMatching(/^ {2}line 3: bad JSON: /),
      '  line 4: the "####" line has no final answer after it: write the answer after "#### "',
      'not usable by a model with a 160-token context:',
      '  line 5: the prompt takes 144 tokens; with BOS and 32 for the response the 160-token context allows 127',
    ]);
    expect(r.err).toEqual(['wrote 3 problems to n.jsonl']);
    expect(readJsonl(r.written['n.jsonl']).rows.map((x) => x.value)).toEqual([
      { id: 'd.jsonl:1', question: 'What is 2+3?', reference: 'Two and three make 5.', answer: '5' },
      { id: 'd.jsonl:2', question: 'Half of 10?', reference: '10/2 = 5\n#### 5', answer: '5' },
      { id: 'd.jsonl:5', question: 'y'.repeat(140), reference: 'r', answer: '1' },
    ]);
    const only = await run(['d.jsonl', '--out', 'u.jsonl', '--usable-only'], { 'd.jsonl': text });
    expect(readJsonl(only.written['u.jsonl']).rows).toHaveLength(2);
  });

  it('one line for an empty file, a UTF-16 file without a byte-order mark, a missing file; exit 1 or 2', async () => {
    const cases: [string, Uint8Array | string | undefined, number, string][] = [
      ['empty.jsonl', '', 1, 'error: empty.jsonl: the file is empty'],
      [
        'u16.jsonl',
        new Uint8Array(Buffer.from(GOOD, 'utf16le')),
        1,
        'error: u16.jsonl: the file contains NUL bytes (first at byte 1): it looks like UTF-16 without a byte-order mark, or a binary file; save it as UTF-8 text',
      ],
      ['bad.jsonl', 'not json\n', 1, 'error: bad.jsonl has no usable problems'],
      [
        'missing.jsonl',
        undefined,
        2,
        "error: cannot read missing.jsonl: ENOENT: no such file or directory, open 'missing.jsonl'",
      ],
    ];
    for (const [name, content, code, line] of cases) {
      const r = await run([name], content === undefined ? {} : { [name]: content });
      expect(r.code, name).toBe(code);
      expect(r.err[0]).toBe(line);
      console.log(`exit ${code}: ${line}`);
    }
    const mac = await run(['mac.jsonl'], { 'mac.jsonl': `${GOOD}\r${GOOD}\r` });
    expect(mac.out[0]).toBe('note: the file uses CR-only line endings (classic Mac); they were read as line breaks');
    expect(mac.code).toBe(0);
    expect((await run(['a', 'b'], {})).err[0]).toBe('error: one file at a time, got 2');
    expect((await run(['a', '--context', '5000'], {})).err[0]).toBe(
      'error: --context must be an integer in [2, 1024], got "5000"',
    );
  });

  it('runs as npm run dataset on the GSM8K test split', () => {
    const out = join(dir, 'gsm8k.norm.jsonl');
    const r = spawnSync(
      process.execPath,
      ['scripts/cli.mjs', 'dataset', '../shared/data/gsm8k/test.jsonl', '--out', out, '--max-issues', '2'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(
      "../shared/data/gsm8k/test.jsonl: 75 of 1319 problems usable (not usable: 60 with characters outside the tokenizer's alphabet, 1184 too long for the 160-token context)",
    );
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(1319);
  });
});
