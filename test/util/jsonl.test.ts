// The one JSONL reader: line numbers for every bad line, blank lines skipped but counted in
// numbering, objects-only mode, byte decoding, and round trips of the writer.
import { describe, expect, it } from 'vitest';
import { decodeTextBytes, readJsonl, readJsonlObjects, writeJsonl } from '../../src/util/jsonl';

describe('readJsonl', () => {
  it('numbers lines from 1, blank lines included, and reports bad ones', () => {
    const r = readJsonl('{"a":1}\n\n[1,2]\n{bad\r\n"s"\n');
    expect(r.rows).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 3, value: [1, 2] },
      { line: 5, value: 's' },
    ]);
    expect(r.errors).toEqual([{ line: 4, reason: expect.stringMatching(/^bad JSON: /) }]);
    expect(r.lines).toBe(4);
    expect(r.notes).toEqual([]);
  });

  it('objects only: other values are errors at their line, in order', () => {
    const r = readJsonlObjects('[1]\n{"a":1}\nnull\n{x');
    expect(r.rows).toEqual([{ line: 2, value: { a: 1 } }]);
    expect(r.errors.map((e) => [e.line, e.reason.slice(0, 8)])).toEqual([
      [1, 'not a JS'],
      [3, 'not a JS'],
      [4, 'bad JSON'],
    ]);
  });

  it('drops a UTF-8 byte-order mark, decodes UTF-16 BE with one', () => {
    expect(decodeTextBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]))).toEqual({ text: '{}' });
    const be = decodeTextBytes(new Uint8Array([0xfe, 0xff, 0x00, 0x7b, 0x00, 0x7d]));
    expect(be.text).toBe('{}');
    expect(be.note).toMatch(/UTF-16 BE/);
  });

  it('writes what it reads', () => {
    const values = [{ q: 'a\nb', n: 1 }, { q: '\r' }];
    expect(readJsonl(writeJsonl(values)).rows.map((r) => r.value)).toEqual(values);
    expect(writeJsonl([])).toBe('');
  });
});
