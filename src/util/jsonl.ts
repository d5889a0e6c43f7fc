// The one JSONL reader: text files of one JSON value per line, every non-blank line either parsed or
// reported with its 1-based line number and reason. File-level problems get one clear message each
// instead of an error per line: an empty file, UTF-16 (decoded when it has a byte-order mark,
// refused without one), NUL bytes, and CR-only line endings (read as line breaks, noted).

export interface JsonlRow<T = unknown> {
  line: number; // 1-based
  value: T;
}

export interface JsonlIssue {
  line: number; // 1-based; 0 for the file as a whole
  reason: string;
}

export interface JsonlRead<T = unknown> {
  rows: JsonlRow<T>[];
  errors: JsonlIssue[]; // lines that are not JSON (or not objects, for readJsonlObjects)
  notes: string[]; // file-level facts worth telling (encoding, line endings)
  fatal?: string; // the file as a whole is unusable (empty, binary, UTF-16 without a byte-order mark)
  lines: number; // non-blank lines seen: rows.length + errors.length
}

export interface DecodedText {
  text: string;
  note?: string; // e.g. 'the file is UTF-16 LE (byte-order mark); read as such'
  fatal?: string;
}

/**
 * Bytes to text. UTF-8 (a leading byte-order mark is dropped); UTF-16 LE/BE with a byte-order mark is
 * decoded and noted; NUL bytes without one (UTF-16 without a mark, or a binary file) are refused.
 */
export function decodeTextBytes(bytes: Uint8Array): DecodedText {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const le = bytes[0] === 0xff;
    const text = new TextDecoder(le ? 'utf-16le' : 'utf-16be').decode(bytes.subarray(2));
    return {
      text,
      note: `the file is UTF-16 ${le ? 'LE' : 'BE'} (it starts with a byte-order mark); it was read as such, but UTF-8 is the expected encoding`,
    };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return {
      text: '',
      fatal: `the file contains NUL bytes (first at byte ${nul}): it looks like UTF-16 without a byte-order mark, or a binary file; save it as UTF-8 text`,
    };
  }
  return { text: new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '') };
}

/** Splits text into lines: LF, CRLF, or CR alone (JSON strings cannot hold a raw CR, so this is safe). */
export function splitLines(text: string): { lines: string[]; crOnly: boolean } {
  const t = text.replace(/^\uFEFF/, '');
  const crOnly = t.includes('\r') && !t.includes('\n');
  return { lines: t.split(/\r\n|\r|\n/), crOnly };
}

/** File-level checks shared by both readers; returns the lines to parse or a fatal message. */
function prepare(text: string): { lines: string[]; notes: string[]; fatal?: string } {
  const notes: string[] = [];
  if (text.length === 0) return { lines: [], notes, fatal: 'the file is empty' };
  if (text.includes('\u0000')) {
    return {
      lines: [],
      notes,
      fatal:
        'the text contains NUL characters: it looks like UTF-16 read as UTF-8, or a binary file; save it as UTF-8 text',
    };
  }
  const { lines, crOnly } = splitLines(text);
  if (crOnly) notes.push('the file uses CR-only line endings (classic Mac); they were read as line breaks');
  if (lines.every((l) => l.trim() === '')) return { lines, notes, fatal: 'the file has only blank lines' };
  return { lines, notes };
}

/** Parses every non-blank line as JSON. */
export function readJsonl(text: string): JsonlRead {
  const { lines, notes, fatal } = prepare(text);
  const out: JsonlRead = { rows: [], errors: [], notes, lines: 0, ...(fatal ? { fatal } : {}) };
  if (fatal) return out;
  lines.forEach((row, i) => {
    if (row.trim() === '') return;
    out.lines++;
    try {
      out.rows.push({ line: i + 1, value: JSON.parse(row) });
    } catch (e) {
      out.errors.push({ line: i + 1, reason: `bad JSON: ${(e as Error).message}` });
    }
  });
  return out;
}

/** readJsonl, with values that are not JSON objects (arrays, strings, null) reported as errors. */
export function readJsonlObjects(text: string): JsonlRead<Record<string, unknown>> {
  const r = readJsonl(text);
  const rows: JsonlRow<Record<string, unknown>>[] = [];
  for (const row of r.rows) {
    const v = row.value;
    if (typeof v === 'object' && v !== null && !Array.isArray(v))
      rows.push({ line: row.line, value: v as Record<string, unknown> });
    else r.errors.push({ line: row.line, reason: 'not a JSON object' });
  }
  r.errors.sort((a, b) => a.line - b.line);
  return { ...r, rows };
}

/** One object per line, LF-terminated. */
export function writeJsonl(values: unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join('\n') + (values.length > 0 ? '\n' : '');
}
