// Loading a user's dataset for the judge-driven arms (experiment runner, page, `npm run dataset`):
// bytes or text in, the problems the policy can actually use out, with how many were usable and why
// the others were not (bad lines, characters outside the tokenizer's alphabet, prompts that leave no
// room for an answer in the model's context). Pure: no file system, no DOM.

import { decodeTextBytes } from '../util/jsonl';
import { parseDataset, unencodable, type DatasetImport, type DatasetIssue, type DatasetProblem } from './dataset-parse';

/** A problem as the policy sees it: the toy tasks' prompt format, "Q: <question>\n". */
export interface DatasetTask extends DatasetProblem {
  prompt: string;
}

export interface DatasetFit {
  contextLength: number; // the model's context in tokens (BOS + prompt + response must fit)
  responseTokens: number; // room the response needs at least; a prompt leaving less is unusable
}

/** 32 tokens: room for a few "### a+b=c" steps and an answer line; the toy's own prompts leave ~130. */
export const DEFAULT_RESPONSE_TOKENS = 32;

export type UnusableReason = 'alphabet' | 'context';

export interface UnusableProblem {
  line: number;
  id: string;
  why: UnusableReason;
  reason: string;
}

export interface DatasetLoad {
  source: string;
  usable: DatasetTask[];
  unusable: UnusableProblem[]; // parsed, but the policy cannot take them
  imported: DatasetImport; // every line's fate: problems, errors, warnings, notes, fatal
  counts: { lines: number; problems: number; usable: number; errors: number; alphabet: number; context: number };
  summary: string; // one line for a terminal or the page
}

export function datasetPrompt(question: string): string {
  return `Q: ${question}\n`;
}

function checkFit(fit: DatasetFit): void {
  if (!Number.isInteger(fit.contextLength) || fit.contextLength < 2)
    throw new RangeError(`contextLength must be an integer >= 2, got ${fit.contextLength}`);
  if (!Number.isInteger(fit.responseTokens) || fit.responseTokens < 1 || fit.responseTokens >= fit.contextLength) {
    throw new RangeError(
      `responseTokens must be an integer in [1, ${fit.contextLength - 1}], got ${fit.responseTokens}`,
    );
  }
}

/** Parses and sorts a dataset into usable and unusable problems for a model with this context. */
export function loadDataset(input: string | Uint8Array, source: string, fit: DatasetFit): DatasetLoad {
  checkFit(fit);
  let imported: DatasetImport;
  if (typeof input === 'string') imported = parseDataset(input, source);
  else {
    const d = decodeTextBytes(input);
    imported = d.fatal
      ? { problems: [], errors: [], warnings: [], lines: 0, notes: [], fatal: d.fatal }
      : parseDataset(d.text, source);
    if (d.note) imported.notes.unshift(d.note);
  }
  const usable: DatasetTask[] = [];
  const unusable: UnusableProblem[] = [];
  const maxPrompt = fit.contextLength - 1 - fit.responseTokens; // BOS, then the prompt, then the response
  for (const p of imported.problems) {
    const prompt = datasetPrompt(p.question);
    const bad = unencodable(p.question);
    if (bad) unusable.push({ line: p.line, id: p.id, why: 'alphabet', reason: `the question ${bad}` });
    else if (prompt.length > maxPrompt) {
      unusable.push({
        line: p.line,
        id: p.id,
        why: 'context',
        reason: `the prompt takes ${prompt.length} tokens; with BOS and ${fit.responseTokens} for the response the ${fit.contextLength}-token context allows ${maxPrompt}`,
      });
    } else usable.push({ ...p, prompt });
  }
  const counts = {
    lines: imported.lines,
    problems: imported.problems.length,
    usable: usable.length,
    errors: imported.errors.length,
    alphabet: unusable.filter((u) => u.why === 'alphabet').length,
    context: unusable.filter((u) => u.why === 'context').length,
  };
  return { source, usable, unusable, imported, counts, summary: summarize(source, imported, counts, fit) };
}

function summarize(source: string, imp: DatasetImport, c: DatasetLoad['counts'], fit: DatasetFit): string {
  if (imp.fatal) return `${source}: ${imp.fatal}`;
  const why: string[] = [];
  if (c.errors) why.push(`${c.errors} bad line${c.errors === 1 ? '' : 's'}`);
  if (c.alphabet) why.push(`${c.alphabet} with characters outside the tokenizer's alphabet`);
  if (c.context) why.push(`${c.context} too long for the ${fit.contextLength}-token context`);
  return (
    `${source}: ${c.usable} of ${c.lines} problem${c.lines === 1 ? '' : 's'} usable` +
    (why.length ? ` (not usable: ${why.join(', ')})` : '')
  );
}

/** The first `limit` issues of a list as "line N: reason" strings (the rest summed up). */
export function formatIssues(issues: DatasetIssue[], limit = 20): string[] {
  const lines = issues.slice(0, limit).map((i) => (i.line > 0 ? `line ${i.line}: ${i.reason}` : i.reason));
  if (issues.length > limit) lines.push(`... and ${issues.length - limit} more`);
  return lines;
}
