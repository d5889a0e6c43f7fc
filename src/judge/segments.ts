// Cutting a response into process-reward segments at the step delimiter (method.md, ExpRL-Process),
// and the character offsets where they start: with the character-level tokenizer those offsets are
// token indices, which is how src/rl/advantages.ts puts each segment's advantage on its tokens.

/**
 * The segments of `response`: the preamble (text before the first delimiter), then one segment per
 * delimiter, each starting with it and running to the next (the last to the end). They concatenate
 * back to `response` exactly. A preamble that is empty or only whitespace is joined to the first
 * step rather than graded on its own; a response without the delimiter is one segment.
 */
export function splitSegments(response: string, delimiter = '###'): string[] {
  if (delimiter.length === 0) return [response];
  const parts = response.split(delimiter);
  const segments = [parts[0], ...parts.slice(1).map((p) => delimiter + p)];
  if (segments.length > 1 && segments[0].trim() === '') {
    segments[1] = segments[0] + segments[1];
    segments.shift();
  }
  return segments;
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
