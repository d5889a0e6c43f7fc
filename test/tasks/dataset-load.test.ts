// Loading a user's dataset: file-level problems get one clear message each (empty, UTF-16 with and
// without a byte-order mark, CR-only line endings), an empty final answer is refused by line, and
// the GSM8K test split is sorted into problems the policy can take and why the others cannot.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RESPONSE_TOKENS, datasetPrompt, loadDataset } from '../../src/tasks/dataset-load';
import { parseDataset } from '../../src/tasks/dataset-parse';

const GSM8K = fileURLToPath(new URL('../../../shared/data/gsm8k/test.jsonl', import.meta.url));
const FIT = { contextLength: 160, responseTokens: DEFAULT_RESPONSE_TOKENS };
const GOOD = '{"question": "What is 2+3?", "reference": "Two and three make 5.", "final": "5"}';
const utf16 = (text: string, bom: boolean) => {
  const body = Buffer.from(text, 'utf16le');
  return new Uint8Array(bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body);
};

describe('file-level problems, one message each', () => {
  it('an empty file', () => {
    const r = loadDataset(new Uint8Array(0), 'empty.jsonl', FIT);
    expect(r.imported.fatal).toBe('the file is empty');
    expect(r.summary).toBe('empty.jsonl: the file is empty');
    expect(r.imported.errors).toEqual([]);
    expect(loadDataset('\n\n  \n', 'blank.jsonl', FIT).summary).toBe('blank.jsonl: the file has only blank lines');
  });

  it('UTF-16 with a byte-order mark is read (and noted); without one it is refused once, not per line', () => {
    const text = `${GOOD}\n${GOOD.replace('2+3', '3+4').replace('make 5', 'make 7').replace('"5"', '"7"')}\n`;
    const withBom = loadDataset(utf16(text, true), 'u16.jsonl', FIT);
    expect(withBom.counts).toMatchObject({ lines: 2, problems: 2, usable: 2, errors: 0 });
    expect(withBom.imported.notes).toEqual([
      'the file is UTF-16 LE (it starts with a byte-order mark); it was read as such, but UTF-8 is the expected encoding',
    ]);
    const noBom = loadDataset(utf16(text, false), 'u16.jsonl', FIT);
    expect(noBom.imported.fatal).toBe(
      'the file contains NUL bytes (first at byte 1): it looks like UTF-16 without a byte-order mark, or a binary file; save it as UTF-8 text',
    );
    expect(noBom.imported.errors).toEqual([]);
    // the same file already decoded as UTF-8 elsewhere (NUL characters in the text)
    expect(parseDataset(Buffer.from(text, 'utf16le').toString('utf8')).fatal).toMatch(
      /NUL characters: it looks like UTF-16 read as UTF-8/,
    );
  });

  it('CR-only line endings are read as line breaks, with a note', () => {
    const r = loadDataset(`${GOOD}\r${GOOD}\r`, 'mac.jsonl', FIT);
    expect(r.counts).toMatchObject({ lines: 2, problems: 2, errors: 0 });
    expect(r.imported.notes).toEqual([
      'the file uses CR-only line endings (classic Mac); they were read as line breaks',
    ]);
  });

  it('an empty final answer is an error on its line', () => {
    const r = parseDataset(
      [
        '{"question": "Half of 10?", "answer": "10/2 = 5\\n####"}',
        '{"question": "Half of 12?", "answer": "12/2 = 6\\n####   "}',
        '{"question": "Half of 14?", "reference": "14/2 = 7", "final": ""}',
        '{"question": "Half of 16?", "reference": "16/2 = 8", "answer": " "}',
      ].join('\n'),
    );
    expect(r.problems).toEqual([]);
    expect(r.errors).toEqual([
      { line: 1, reason: 'the "####" line has no final answer after it: write the answer after "#### "' },
      { line: 2, reason: 'the "####" line has no final answer after it: write the answer after "#### "' },
      { line: 3, reason: 'field "final" (the final answer) is empty' },
      { line: 4, reason: 'field "answer" (the final answer) is empty' },
    ]);
  });
});

describe('fit to the model', () => {
  it('sorts problems by alphabet and context, with reasons', () => {
    const long = 'x'.repeat(200);
    const r = loadDataset(
      [
        GOOD,
        `{"question": "Caf\u00e9?", "reference": "r", "final": "1"}`,
        `{"question": "${long}", "reference": "r", "final": "1"}`,
        'oops',
      ].join('\n'),
      'mix',
      FIT,
    );
    expect(r.counts).toEqual({ lines: 4, problems: 3, usable: 1, errors: 1, alphabet: 1, context: 1 });
    expect(r.usable[0]).toMatchObject({ line: 1, prompt: datasetPrompt('What is 2+3?'), answer: '5' });
    expect(r.unusable).toEqual([
      {
        line: 2,
        id: 'mix:2',
        why: 'alphabet',
        reason: expect.stringMatching(/^the question cannot encode character "\u00e9" \(U\+00e9\) at position 3/),
      },
      {
        line: 3,
        id: 'mix:3',
        why: 'context',
        reason: 'the prompt takes 204 tokens; with BOS and 32 for the response the 160-token context allows 127',
      },
    ]);
    expect(r.summary).toBe(
      "mix: 1 of 4 problems usable (not usable: 1 bad line, 1 with characters outside the tokenizer's alphabet, 1 too long for the 160-token context)",
    );
    expect(() => loadDataset(GOOD, 'x', { contextLength: 160, responseTokens: 160 })).toThrow(
      /responseTokens must be an integer in \[1, 159\]/,
    );
  });

  it('GSM8K test split: every line accounted for', () => {
    const t0 = performance.now();
    const r = loadDataset(new Uint8Array(readFileSync(GSM8K)), 'gsm8k', FIT);
    const ms = performance.now() - t0;
    expect(r.counts.lines).toBe(1319);
    expect(r.counts.usable + r.counts.alphabet + r.counts.context + r.counts.errors).toBe(1319);
    expect(r.counts.usable).toBeGreaterThan(0);
    const wide = loadDataset(new Uint8Array(readFileSync(GSM8K)), 'gsm8k', {
      contextLength: 1024,
      responseTokens: 256,
    });
    expect(wide.counts.context).toBeLessThan(r.counts.context);
    console.log(`${r.summary} [${ms.toFixed(0)} ms]\n${wide.summary}`);
  });
});
