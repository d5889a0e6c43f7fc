// The LLM judge's settings with their defaults (each with its reason) and its counters: plain data,
// safe to log or send to the UI (no key, no texts). The judge itself: llm.ts.

import type { ChatOutcome } from './llm-client';
import type { ParseStatus, RubricMode } from './types';

export type StructuredOutput = 'auto' | 'json_schema' | 'off';

export interface LlmJudgeConfig {
  baseUrl: string; // e.g. https://api.openai.com/v1, http://127.0.0.1:11434/v1 (Ollama)
  model: string;
  apiKey?: string; // optional: local servers need none; never cached, logged or reported
  temperature: number;
  maxTokens: number;
  timeoutMs: number;
  maxRetries: number;
  concurrency: number;
  rubricMode: RubricMode; // default for calls whose options do not say
  stepDelimiter: string; // default for calls whose options do not say
  structuredOutput: StructuredOutput;
  pricePer1kInput: number; // currency units per 1000 prompt tokens, for the cost counter
  pricePer1kOutput: number; // per 1000 completion tokens
  retryBaseMs: number;
  retryMaxMs: number;
  maxRetryAfterMs: number;
}

/** The most LLM requests in flight at once: more only trips hosted rate limits and stalls local servers. */
export const MAX_LLM_CONCURRENCY = 16;

export const DEFAULT_LLM_JUDGE_CONFIG: Omit<LlmJudgeConfig, 'baseUrl' | 'model' | 'apiKey'> = {
  temperature: 0, // greedy: the judge is frozen and deterministic (method.md)
  maxTokens: 1024, // room for an analysis and the score line; a cut reply fails to parse, it is not scored
  timeoutMs: 60_000, // per attempt; local models on a laptop can be slow
  maxRetries: 3, // transient 429/5xx/timeouts; more only delays a failure that is then dropped anyway
  concurrency: 4, // enough to keep a local server busy without tripping a hosted one's rate limit
  rubricMode: 'explicit', // one rubric call per problem, cheaper than extracting checkpoints per call
  stepDelimiter: '###', // the policy writes `### ` step headers
  structuredOutput: 'auto', // JSON where the server accepts json_schema, the text rule elsewhere
  pricePer1kInput: 0, // local servers are free; set the provider's price to see the cost
  pricePer1kOutput: 0,
  retryBaseMs: 500, // backoff 0.5 s, 1 s, 2 s, ...
  retryMaxMs: 8_000,
  maxRetryAfterMs: 60_000, // a server asking for a longer pause is retried after this long
};

type FailureStatus = Exclude<ParseStatus, 'ok'>;

/** Counters, plain data (safe to log or send to the UI: no key, no texts). */
export interface LlmJudgeStats {
  calls: number; // judge requests sent (rubric and grading), one per request however many retries
  attempts: number; // HTTP requests, retries included
  retries: number;
  rubricCalls: number;
  rubricFailures: number; // rubrics that failed (each asked once; its grades fail without a request)
  cacheHits: number;
  grades: number; // grades returned (outcome grades plus process segments)
  failures: Record<FailureStatus, number>; // failed grades by status
  errors: Record<string, number>; // failed grades by reason: aborted, timeout, http-500, rubric, ...
  promptTokens: number;
  completionTokens: number;
  cost: number; // from the configured prices
  latencyMsTotal: number; // over answered calls, retries and Retry-After waits included
  latencyMsMax: number;
  answered: number; // calls that got a reply (parsed or not)
  fatal: string | null; // the first fatal failure's line (llm-diagnose.ts), null while there is none
}

export function emptyStats(): LlmJudgeStats {
  return {
    calls: 0,
    attempts: 0,
    retries: 0,
    rubricCalls: 0,
    rubricFailures: 0,
    cacheHits: 0,
    grades: 0,
    failures: { 'no-score': 0, 'out-of-range': 0, malformed: 0, error: 0 },
    errors: {},
    promptTokens: 0,
    completionTokens: 0,
    cost: 0,
    latencyMsTotal: 0,
    latencyMsMax: 0,
    answered: 0,
    fatal: null,
  };
}

/** Adds one finished request (retries included) to the counters. */
export function countOutcome(
  s: LlmJudgeStats,
  out: ChatOutcome,
  prices: Pick<LlmJudgeConfig, 'pricePer1kInput' | 'pricePer1kOutput'>,
): void {
  s.attempts += out.attempts;
  s.retries += Math.max(0, out.attempts - 1);
  if (!out.ok) return;
  s.answered++;
  s.promptTokens += out.promptTokens;
  s.completionTokens += out.completionTokens;
  s.cost +=
    (out.promptTokens / 1000) * prices.pricePer1kInput + (out.completionTokens / 1000) * prices.pricePer1kOutput;
  s.latencyMsTotal += out.latencyMs;
  s.latencyMsMax = Math.max(s.latencyMsMax, out.latencyMs);
}
