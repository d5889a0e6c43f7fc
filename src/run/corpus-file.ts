// Pre-training documents from a file's text: JSONL (one document per line, a JSON string or an object
// with a "text" field, so documents keep their line breaks) or plain text (one document per line).
// Pure: the CLI reads the bytes, this decides what they mean and says what is wrong, line by line.

import { decodeTextBytes, readJsonl } from '../util/jsonl';

export interface CorpusRead {
  documents: string[];
  notes: string[];
}

/** The documents of a corpus file; throws one clear message when the file cannot be used. */
export function corpusFromFile(name: string, bytes: Uint8Array): CorpusRead {
  const dec = decodeTextBytes(bytes);
  if (dec.fatal) throw new Error(`corpus file ${name}: ${dec.fatal}`);
  const notes = dec.note ? [dec.note] : [];
  if (/\.jsonl$/i.test(name)) {
    const r = readJsonl(dec.text);
    if (r.fatal) throw new Error(`corpus file ${name}: ${r.fatal}`);
    const docs: string[] = [];
    const bad: string[] = r.errors.map((e) => `line ${e.line}: ${e.reason}`);
    for (const row of r.rows) {
      const v = row.value as unknown;
      const text =
        typeof v === 'string'
          ? v
          : v && typeof v === 'object' && typeof (v as { text?: unknown }).text === 'string'
            ? (v as { text: string }).text
            : undefined;
      if (text === undefined) bad.push(`line ${row.line}: expected a JSON string or an object with a "text" string`);
      else if (text.trim() === '') bad.push(`line ${row.line}: the document is empty`);
      else docs.push(text);
    }
    if (bad.length > 0)
      throw new Error(
        `corpus file ${name}: ${bad.length} unusable line(s): ${bad.slice(0, 5).join('; ')}${bad.length > 5 ? '; …' : ''}`,
      );
    if (docs.length === 0) throw new Error(`corpus file ${name} holds no documents`);
    return { documents: docs, notes: [...notes, ...r.notes] };
  }
  const lines = dec.text.split(/\r\n|\r|\n/).filter((l) => l.trim().length > 0);
  if (lines.length === 0) throw new Error(`corpus file ${name} has no non-empty lines`);
  return { documents: lines, notes };
}
