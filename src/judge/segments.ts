// Cutting a response into process-reward segments at the step delimiter (method.md, ExpRL-Process),
// and the character offsets where they start. The RL loop maps those offsets to token indices of the
// response (src/rl/rl-batch.ts, textOffsetsToTokens: special tokens decode to no text, so an offset is
// not always a token index), and src/rl/advantages.ts puts each segment's advantage on its tokens.

import { CLOSING_LINES } from '../tasks/problem';

/**
 * The segments of `response`: the preamble (text before the first delimiter), then one segment per
 * delimiter, each starting with it and running to the next (the last to the end). A line that starts
 * with one of `closers` (the final answer "A: ...", or "N/A") opens a segment of its own, as the
 * authors' model writes its answer under a step header of its own, so that the decision to answer or
 * to stop is graded apart from the step above; the line break before it stays with that step. They concatenate back to `response` exactly. A preamble that is empty or only whitespace is
 * joined to the first step rather than graded on its own; a response without either is one segment.
 */
export function splitSegments(
  response: string,
  delimiter = '###',
  closers: readonly string[] | null = CLOSING_LINES,
): string[] {
  if (delimiter.length === 0) return [response];
  const parts = response.split(delimiter);
  const steps = [parts[0], ...parts.slice(1).map((p) => delimiter + p)];
  const segments = closers ? steps.flatMap((s) => splitAtClosers(s, closers)) : steps;
  if (segments.length > 1 && segments[0].trim() === '') {
    segments[1] = segments[0] + segments[1];
    segments.shift();
  }
  return segments;
}

/** `text` cut after each line break that is followed by one of `prefixes` (the break stays with the text before). */
function splitAtClosers(text: string, prefixes: readonly string[]): string[] {
  const out: string[] = [];
  let from = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (!prefixes.some((p) => text.startsWith(p, i + 1))) continue;
    out.push(text.slice(from, i + 1));
    from = i + 1;
  }
  out.push(text.slice(from));
  return out;
}

/** Character offset where each segment starts (the first is 0): running sums of their lengths. */
export function segmentStarts(segments: string[]): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const s of segments) {
    starts.push(at);
    at += s.length;
  }
  return starts;
}
