// Import of question + reference datasets from JSONL, GSM8K's format read as is. Every non-empty
// line ends up either as a problem or as an error with its line number and reason; nothing is
// dropped silently. Text the tokenizer cannot encode is kept (judges read any text) with a warning.

import { TokenizerError, encode } from './tokenizer';
import { normalizeNumber } from './numbers';

export interface DatasetProblem {
  id: string; // the line's "id" field when present, else `${source}:${line}`
  question: string;
  reference: string; // the solution with GSM8K's <<calculator notes>> removed
  answer?: string; // the final answer: "final" field, the "#### n" line, or a bare "answer" value
  line: number; // 1-based line in the file
}

export interface DatasetIssue {
  line: number;
  reason: string;
}

export interface DatasetImport {
  problems: DatasetProblem[];
  errors: DatasetIssue[]; // lines not imported
  warnings: DatasetIssue[]; // imported lines the policy's tokenizer cannot encode
  lines: number; // non-empty lines seen: problems.length + errors.length
}

const FINAL_LINE = /^[ \t]*####[ \t]*(.*?)[ \t]*$/m;
const CALCULATOR_NOTE = /<<[^<>]*>>/g;

/** "Janet sells 16 - 3 - 4 = <<16-3-4=9>>9" -> "Janet sells 16 - 3 - 4 = 9" */
export function stripCalculatorNotes(text: string): string {
  return text.replace(CALCULATOR_NOTE, '');
}

/** The "#### n" final answer of a GSM8K solution, canonical when numeric; null if absent. */
export function gsm8kFinal(solution: string): string | null {
  const m = FINAL_LINE.exec(solution);
  if (!m || m[1] === '') return null;
  return normalizeNumber(m[1]) ?? m[1];
}

function encodeProblem(text: string): string | null {
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
  const out: DatasetImport = { problems: [], errors: [], warnings: [], lines: 0 };
  const rows = text.replace(/^\uFEFF/, '').split(/\r?\n/); // a byte-order mark is not part of line 1's JSON
  rows.forEach((row, i) => {
    const line = i + 1;
    if (row.trim() === '') return;
    out.lines++;
    const fail = (reason: string) => out.errors.push({ line, reason });
    let obj: unknown;
    try {
      obj = JSON.parse(row);
    } catch (e) {
      return fail(`bad JSON: ${(e as Error).message}`);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return fail('not a JSON object');
    const o = obj as Record<string, unknown>;
    if (!('question' in o)) return fail('missing field "question"');
    if (typeof o.question !== 'string') return fail('field "question" is not a string');
    if (o.question.trim() === '') return fail('empty question');
    for (const k of ['reference', 'solution', 'answer', 'final'] as const) {
      if (k in o && typeof o[k] !== 'string' && typeof o[k] !== 'number') return fail(`field "${k}" is not a string or number`);
    }
    const str = (k: string) => (o[k] === undefined ? undefined : String(o[k]));
    const given = str('reference') ?? str('solution');
    const answerField = str('answer');
    // without reference/solution, "answer" must be a GSM8K solution: text ending in a "#### n" line
    const solution = given ?? (answerField?.includes('####') ? answerField : undefined);
    if (solution === undefined) {
      return fail(answerField !== undefined
        ? 'field "answer" has no "#### <final answer>" line and there is no "reference" or "solution" field'
        : 'missing field: "reference", "solution" or "answer" (GSM8K style, with a final #### line)');
    }
    const reference = stripCalculatorNotes(solution).trim();
    if (reference === '') return fail('empty reference solution');
    const rawFinal = str('final') ?? gsm8kFinal(solution) ?? (given !== undefined ? answerField : undefined);
    const answer = rawFinal === undefined ? undefined : normalizeNumber(rawFinal) ?? rawFinal.trim();
    const id = o.id !== undefined && (typeof o.id === 'string' || typeof o.id === 'number') ? String(o.id) : `${source}:${line}`;
    out.problems.push({ id, question: o.question, reference, answer: answer === '' ? undefined : answer, line });
    for (const [field, value] of [['question', o.question], ['reference', reference]] as const) {
      const why = encodeProblem(value);
      if (why) out.warnings.push({ line, reason: `${field}: ${why} (kept for judge use; the policy cannot read it)` });
    }
  });
  return out;
}
