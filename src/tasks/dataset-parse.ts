// Import of question + reference datasets from JSONL, GSM8K's format read as is. Every non-empty
// line ends up either as a problem or as an error with its line number and reason; nothing is
// dropped silently. Text the tokenizer cannot encode is kept (judges read any text) with a warning.
// File-level problems (empty, UTF-16, CR-only line endings) come from the JSONL reader as one message.

import { readJsonlObjects } from '../util/jsonl';
import { TokenizerError, encode } from '../model/tokenizer';
import { normalizeNumber } from './numbers';

export interface DatasetProblem {
  id: string; // the line's "id" field when present, else `${source}:${line}`
  question: string;
  reference: string; // the solution with GSM8K's <<calculator notes>> removed
  answer?: string; // the final answer: "final" field, the "#### n" line, or a bare "answer" value
  line: number; // 1-based line in the file
}

export interface DatasetIssue {
  line: number; // 0: the file as a whole
  reason: string;
}

export interface DatasetImport {
  problems: DatasetProblem[];
  errors: DatasetIssue[]; // lines not imported
  warnings: DatasetIssue[]; // imported lines with a caveat (characters the tokenizer cannot encode, no final answer)
  lines: number; // non-empty lines seen: problems.length + errors.length
  notes: string[]; // file-level facts (encoding, line endings)
  fatal?: string; // the file as a whole is unusable: empty, binary, UTF-16 without a byte-order mark
}

const FINAL_LINE = /^[ \t]*####[ \t]*(.*?)[ \t]*$/m;
const CALCULATOR_NOTE = /<<[^<>]*>>/g;

/** "Janet sells 16 - 3 - 4 = <<16-3-4=9>>9" -> "Janet sells 16 - 3 - 4 = 9" */
export function stripCalculatorNotes(text: string): string {
  return text.replace(CALCULATOR_NOTE, '');
}

/** The "#### n" final answer of a GSM8K solution, canonical when numeric; null if absent or empty. */
export function gsm8kFinal(solution: string): string | null {
  const m = FINAL_LINE.exec(solution);
  if (!m || m[1] === '') return null;
  return normalizeNumber(m[1]) ?? m[1];
}

/** Why the tokenizer cannot encode `text`, or null when it can. */
export function unencodable(text: string): string | null {
  try {
    encode(text);
    return null;
  } catch (e) {
    if (e instanceof TokenizerError) return e.message;
    throw e;
  }
}

/**
 * Parses JSONL with one object per line: `question` plus a reference in `reference`, `solution` or
 * `answer` (GSM8K: the solution, calculator notes and a final "#### n" line), and optionally `final`
 * (the final answer). When `reference`/`solution` is given, a short `answer` is the final answer.
 */
export function parseDataset(text: string, source = 'data'): DatasetImport {
  const read = readJsonlObjects(text);
  const out: DatasetImport = {
    problems: [],
    errors: [...read.errors],
    warnings: [],
    lines: read.lines,
    notes: read.notes,
  };
  if (read.fatal) return { ...out, fatal: read.fatal };
  for (const { line, value: o } of read.rows) {
    const fail = (reason: string) => void out.errors.push({ line, reason });
    if (!('question' in o)) {
      fail('missing field "question"');
      continue;
    }
    if (typeof o.question !== 'string') {
      fail('field "question" is not a string');
      continue;
    }
    if (o.question.trim() === '') {
      fail('empty question');
      continue;
    }
    const badType = (['reference', 'solution', 'answer', 'final'] as const).find(
      (k) => k in o && typeof o[k] !== 'string' && typeof o[k] !== 'number',
    );
    if (badType) {
      fail(`field "${badType}" is not a string or number`);
      continue;
    }
    const str = (k: string) => (o[k] === undefined ? undefined : String(o[k]));
    const given = str('reference') ?? str('solution');
    const answerField = str('answer');
    // without reference/solution, "answer" must be a GSM8K solution: text ending in a "#### n" line
    const solution = given ?? (answerField?.includes('####') ? answerField : undefined);
    if (solution === undefined) {
      fail(
        answerField !== undefined
          ? 'field "answer" has no "#### <final answer>" line and there is no "reference" or "solution" field'
          : 'missing field: "reference", "solution" or "answer" (GSM8K style, with a final #### line)',
      );
      continue;
    }
    const reference = stripCalculatorNotes(solution).trim();
    if (reference === '') {
      fail('empty reference solution');
      continue;
    }
    const hashLine = FINAL_LINE.exec(solution);
    if (hashLine && hashLine[1] === '' && str('final') === undefined) {
      fail('the "####" line has no final answer after it: write the answer after "#### "');
      continue;
    }
    const rawFinal = str('final') ?? gsm8kFinal(solution) ?? (given !== undefined ? answerField : undefined);
    if (rawFinal !== undefined && rawFinal.trim() === '') {
      fail(`field "${str('final') !== undefined ? 'final' : 'answer'}" (the final answer) is empty`);
      continue;
    }
    const answer = rawFinal === undefined ? undefined : (normalizeNumber(rawFinal) ?? rawFinal.trim());
    const id = typeof o.id === 'string' || typeof o.id === 'number' ? String(o.id) : `${source}:${line}`;
    out.problems.push({ id, question: o.question, reference, ...(answer !== undefined ? { answer } : {}), line });
    if (answer === undefined)
      out.warnings.push({
        line,
        reason:
          'no final answer ("final" field or "#### n" line): the judge can grade it, but correctness cannot be checked',
      });
    for (const [field, value] of [
      ['question', o.question],
      ['reference', reference],
    ] as const) {
      const why = unencodable(value);
      if (why) out.warnings.push({ line, reason: `${field}: ${why} (kept for judge use; the policy cannot read it)` });
    }
  }
  out.errors.sort((a, b) => a.line - b.line);
  return out;
}
