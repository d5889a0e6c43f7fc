// How the page names a failed grade: its cause in words (HTTP 401, timeout, rubric failed, no score,
// ...) and, with it, the judge's message. The causes are the verdicts' own (src/run/scorers.ts) and the
// keys of the judge's failure counter, so the inspector and the counter say the same thing.

import type { VerdictDetail } from '../../run/scorers';

const HTTP: Record<string, string> = {
  '400': 'bad request',
  '401': 'unauthorized',
  '403': 'forbidden',
  '404': 'not found',
  '408': 'request timeout',
  '429': 'rate limited',
};

const NAMES: Record<string, string> = {
  timeout: 'timeout',
  connection: 'connection failed',
  fatal: 'not sent: the judge had stopped',
  rubric: 'rubric failed',
  'no-score': 'no score',
  'out-of-range': 'score out of range',
  malformed: 'malformed reply',
  'bad-response': 'not a chat completion',
  aborted: 'cancelled',
  cache: 'cache error',
  error: 'error',
};

/** A failure cause in words: "HTTP 401 (unauthorized)", "rubric failed", "no score"; unknown causes as they are. */
export function causeName(cause: string): string {
  const http = /^http-(\d{3})$/.exec(cause);
  if (http)
    return `HTTP ${http[1]}${HTTP[http[1]] ? ` (${HTTP[http[1]]})` : http[1].startsWith('5') ? ' (server error)' : ''}`;
  return NAMES[cause] ?? cause;
}

/** A failed verdict in one line, "HTTP 401 (unauthorized) — the server answered 401 ..."; undefined when it did not fail. */
export function failureOf(v: Pick<VerdictDetail, 'status' | 'cause' | 'error'> | undefined): string | undefined {
  if (!v || v.status === 'ok') return undefined;
  const cause = v.cause ?? v.status;
  const message = (v.error ?? '').replace(/^rubric: /, '').trim();
  return message === '' || message === cause || message === v.status
    ? causeName(cause)
    : `${causeName(cause)} — ${message}`;
}
