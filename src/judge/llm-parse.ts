// Parsing of LLM judge replies: the strict `Score: k` text rule, the JSON {analysis, score} rule for
// structured output, and rubric replies. Pure functions on strings: no HTTP (llm-client.ts), no
// prompts (prompts.ts); process segments are cut by segments.ts, shared with the built-in judge.

import { MAX_CHECKPOINTS, MIN_CHECKPOINTS, type ParseStatus } from './types';

/** A parsed grading reply. k is null unless status is 'ok'. */
export interface ParsedScore {
  status: ParseStatus;
  k: number | null;
  rationale: string; // the judge's analysis (the reply without its score line)
  error?: string; // why, when status is not 'ok'
}

/** A parsed rubric reply. checkpoints is empty unless status is 'ok'. */
export interface ParsedRubric {
  status: ParseStatus;
  checkpoints: string[];
  finalAnswer?: string;
  error?: string;
}

// The final line must be the score line and nothing else. Tolerated around it: markdown emphasis
// (`**Score: 4**`), a trailing period, any letter case and spaces. The value is everything after the
// colon; it must be an integer 1..5 (k = 4.5, 0 or 7 is 'out-of-range', not rounded or clamped).
// `Score: 4/5` is read as 4; any other denominator (`8/10`) is 'out-of-range', never rescaled.
const SCORE_LINE = /^[*_`\s]*score[*_`\s]*[:=][*_`\s]*([^*_`\s/]*)(?:\s*\/\s*(\d*))?[*_`.\s]*$/i;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

function checkK(raw: string): { k: number | null; status: ParseStatus; error?: string } {
  if (!NUMBER.test(raw))
    return { k: null, status: 'no-score', error: `score line has no number: ${JSON.stringify(raw)}` };
  const k = Number(raw);
  if (!Number.isInteger(k) || k < 1 || k > 5) {
    return { k: null, status: 'out-of-range', error: `score ${raw} is not an integer in 1..5` };
  }
  return { k, status: 'ok' };
}

// A reply the server cut at max_tokens (finish_reason 'length') is never scored, whatever its last
// line says: the judge did not finish, so that line may be a quotation (the graded response's own
// "Score: 5") or a draft, not its verdict.
function cutReply(reply: string): ParsedScore {
  return {
    status: 'malformed',
    k: null,
    rationale: reply.trim(),
    error: 'the reply was cut at max_tokens (finish_reason "length"), so it has no final verdict; raise maxTokens',
  };
}

/**
 * The text rule: the score is read from the judge's OWN final non-empty line only. A "Score: 5"
 * anywhere earlier (quoted from the graded response, or a draft the judge revised) is ignored.
 * truncated: the server stopped at max_tokens; such a reply is 'malformed', never scored.
 */
export function parseScoreText(reply: string, truncated = false): ParsedScore {
  if (truncated) return cutReply(reply);
  const lines = reply.split(/\r?\n/);
  let last = lines.length - 1;
  while (last >= 0 && lines[last].trim() === '') last--;
  if (last < 0) return { status: 'no-score', k: null, rationale: '', error: 'empty reply' };
  const m = SCORE_LINE.exec(lines[last]);
  if (!m) {
    return { status: 'no-score', k: null, rationale: reply.trim(), error: 'the final line is not "Score: k"' };
  }
  const rationale = lines.slice(0, last).join('\n').trim();
  if (m[2] !== undefined && m[2] !== '5') {
    return {
      status: 'out-of-range',
      k: null,
      rationale,
      error: `score ${m[1]}/${m[2]} is not on the 1..5 scale (only k/5 is read)`,
    };
  }
  const c = checkK(m[1]);
  return { status: c.status, k: c.k, rationale, ...(c.error ? { error: c.error } : {}) };
}

/** Strips one surrounding ``` or ```json fence, which some servers add around JSON. */
function unfence(text: string): string {
  const m = /^```[a-zA-Z]*\s*\n?([\s\S]*?)\n?```$/.exec(text.trim());
  return m ? m[1].trim() : text.trim();
}

/** True when a reply is (or starts as) JSON, i.e. the server honoured response_format. */
export function looksLikeJson(reply: string): boolean {
  const t = reply.trimStart();
  return t.startsWith('{') || t.startsWith('[') || t.startsWith('```');
}

/**
 * The JSON rule for structured output: {"analysis": string, "score": integer 1..5}.
 * Malformed or truncated JSON is 'malformed'; a missing score is 'no-score'; a number outside 1..5
 * (or not an integer) is 'out-of-range'. Nothing is salvaged from broken JSON (see parseGradeReply).
 */
export function parseScoreJson(reply: string, truncated = false): ParsedScore {
  if (truncated) return cutReply(reply);
  let obj: unknown;
  try {
    obj = JSON.parse(unfence(reply));
  } catch (e) {
    return { status: 'malformed', k: null, rationale: reply.trim(), error: `invalid JSON: ${(e as Error).message}` };
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    return { status: 'malformed', k: null, rationale: reply.trim(), error: 'JSON reply is not an object' };
  }
  const rec = obj as Record<string, unknown>;
  const rationale = typeof rec.analysis === 'string' ? rec.analysis.trim() : '';
  const score = rec.score;
  if (score === undefined || score === null)
    return { status: 'no-score', k: null, rationale, error: 'JSON reply has no "score"' };
  if (typeof score !== 'number') {
    return { status: 'malformed', k: null, rationale, error: `"score" is not a number: ${JSON.stringify(score)}` };
  }
  const c = checkK(String(score));
  return { status: c.status, k: c.k, rationale, ...(c.error ? { error: c.error } : {}) };
}

/**
 * Parses a grading reply. With structured output, a reply that starts as JSON follows the JSON
 * rule only: if it is malformed or truncated it stays 'malformed', because a "Score: k" found inside
 * broken JSON may be a quotation from the graded response. A reply that does not start as JSON at
 * all (a server that silently ignored response_format and answered in prose) follows the text rule.
 * A truncated reply (finish_reason 'length') is 'malformed' under either rule.
 */
export function parseGradeReply(reply: string, structured: boolean, truncated = false): ParsedScore {
  if (structured && looksLikeJson(reply)) return parseScoreJson(reply, truncated);
  return parseScoreText(reply, truncated);
}

function checkCount(checkpoints: string[], finalAnswer: string | undefined): ParsedRubric {
  const kept = checkpoints.map((c) => c.trim()).filter((c) => c.length > 0);
  if (kept.length < MIN_CHECKPOINTS) {
    return {
      status: 'malformed',
      checkpoints: [],
      error: `rubric has ${kept.length} checkpoint(s), need ${MIN_CHECKPOINTS}..${MAX_CHECKPOINTS}`,
    };
  }
  // More than six: the first six are kept (they come in solution order, the prompt asks for six at most).
  return { status: 'ok', checkpoints: kept.slice(0, MAX_CHECKPOINTS), ...(finalAnswer ? { finalAnswer } : {}) };
}

const CHECKPOINT_LINE = /^\s*(?:checkpoint\s*\d+\s*[:.)-]|\d+\s*[.):]|[-*•])\s*(.+?)\s*$/i;
const FINAL_LINE = /^\s*[*_]*final answer[*_]*\s*:\s*(.+?)\s*$/i;

/** Text rubric: one "Checkpoint n: ..." (or numbered / bulleted) line each, then "Final answer: ...". */
export function parseRubricText(reply: string): ParsedRubric {
  const checkpoints: string[] = [];
  let finalAnswer: string | undefined;
  for (const line of reply.split(/\r?\n/)) {
    const f = FINAL_LINE.exec(line);
    if (f) {
      finalAnswer = f[1];
      continue;
    }
    const m = CHECKPOINT_LINE.exec(line);
    if (m) checkpoints.push(m[1]);
  }
  return checkCount(checkpoints, finalAnswer);
}

/** JSON rubric: {"checkpoints": string[], "final_answer": string}. */
export function parseRubricJson(reply: string): ParsedRubric {
  let obj: unknown;
  try {
    obj = JSON.parse(unfence(reply));
  } catch (e) {
    return { status: 'malformed', checkpoints: [], error: `invalid JSON: ${(e as Error).message}` };
  }
  const rec = (typeof obj === 'object' && obj !== null ? obj : {}) as Record<string, unknown>;
  const list = rec.checkpoints;
  if (!Array.isArray(list) || !list.every((c) => typeof c === 'string')) {
    return { status: 'malformed', checkpoints: [], error: 'JSON rubric has no "checkpoints" list of strings' };
  }
  const fa = typeof rec.final_answer === 'string' && rec.final_answer.trim() ? rec.final_answer.trim() : undefined;
  return checkCount(list as string[], fa);
}

/** Rubric reply, with the same JSON-or-prose decision as parseGradeReply. */
export function parseRubricReply(reply: string, structured: boolean): ParsedRubric {
  return structured && looksLikeJson(reply) ? parseRubricJson(reply) : parseRubricText(reply);
}
