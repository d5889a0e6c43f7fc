// One chat-completions call with the judge's failure policy: a timeout on every attempt (body included),
// retries with exponential backoff on 5xx, 408, timeouts and dropped connections, 429 and 503 waiting
// as long as Retry-After says (capped), cancellation through an AbortSignal at any point (a cancelled
// call sends nothing more). HTTP itself is the official `openai` client with its own retries off:
// its retry sleep cannot be cancelled, its backoff cannot be tuned and its timeout stops at the
// response headers. Retry-After is read as the SDK reads it. Every message is key-redacted.

import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { errorCode, fatalLine, innermostMessage, type FailureFacts } from './llm-diagnose';
import { isAborted, raceAbort, sleep } from './llm-limiter';
import type { ChatMessage } from './prompts';

export interface ChatClientConfig {
  baseUrl: string;
  model: string;
  apiKey?: string;
  temperature: number;
  maxTokens: number;
  timeoutMs: number; // per attempt, from sending the request to the last byte of the reply
  maxRetries: number; // attempts after the first
  retryBaseMs: number; // first backoff; doubles per retry, with up to 25% jitter
  retryMaxMs: number; // backoff ceiling
  maxRetryAfterMs: number; // a longer Retry-After is cut to this
  fetch?: typeof fetch; // for environments without a global fetch
  onRetry?: (e: RetryEvent) => void; // told each time a retry is scheduled, before the wait
}

/** A retry about to be waited for: which attempt failed, why, and how long the wait is. */
export interface RetryEvent {
  attempt: number; // the attempt that failed, from 1
  reason: string; // timeout, connection, http-429, ...
  waitMs: number;
  retryAfter: boolean; // the wait came from the server's Retry-After
}

export interface ChatRequest {
  messages: ChatMessage[];
  schema?: { name: string; schema: Record<string, unknown> }; // set => response_format json_schema
}

export type ChatFailureKind = 'aborted' | 'timeout' | 'connection' | 'http' | 'bad-response';

export interface ChatSuccess {
  ok: true;
  content: string;
  finishReason: string | null;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number; // first attempt to reply, retries and waits included
  attempts: number;
}

export interface ChatFailure {
  ok: false;
  kind: ChatFailureKind;
  status?: number; // HTTP status, for kind 'http'
  code?: string; // network error code, for kind 'connection'
  message: string; // redacted
  fatal?: string; // set when no retry or later call can succeed: the one line naming cause and fix (llm-diagnose.ts)
  attempts: number;
}

export type ChatOutcome = ChatSuccess | ChatFailure;

type Attempt =
  | { ok: true; content: string; finishReason: string | null; promptTokens: number; completionTokens: number }
  | {
      ok: false;
      kind: ChatFailureKind;
      status?: number;
      message: string;
      retryable: boolean;
      retryAfterMs?: number;
      facts?: FailureFacts;
    };

/** Retry-After as milliseconds: `retry-after-ms`, else `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(parseFloat(ms))) return Math.max(0, parseFloat(ms));
  const ra = headers?.get('retry-after');
  if (!ra) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return parseFloat(ra) * 1000;
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const MAX_MESSAGE = 300;
const clipDetail = (m: string) => (m.length > 80 ? `${m.slice(0, 80)}...` : m);

export class ChatClient {
  // Private (#) so that the key inside the SDK client never shows in JSON.stringify or a debugger dump.
  readonly #sdk: OpenAI;
  readonly #apiKey: string;
  readonly cfg: Readonly<Omit<ChatClientConfig, 'apiKey'>>; // the public copy has no key

  constructor(config: ChatClientConfig) {
    const { apiKey, ...cfg } = config;
    this.#apiKey = apiKey ?? '';
    this.cfg = cfg;
    const hasKey = this.#apiKey.length > 0;
    this.#sdk = new OpenAI({
      baseURL: cfg.baseUrl,
      // The SDK insists on some key; without one the Authorization header is removed below. Passing
      // the values explicitly also stops it from reading OPENAI_API_KEY / _ORG_ID / _PROJECT_ID from
      // the environment and sending a key the user never gave to this endpoint.
      apiKey: hasKey ? this.#apiKey : 'no-key',
      organization: null,
      project: null,
      defaultHeaders: hasKey ? undefined : { Authorization: null },
      maxRetries: 0,
      timeout: Math.max(1, Math.round(cfg.timeoutMs)),
      logLevel: 'off',
      dangerouslyAllowBrowser: true, // the user's own key, for an endpoint the user chose
      ...(cfg.fetch ? { fetch: cfg.fetch } : {}),
    });
  }

  /** Removes every occurrence of the API key from a string. */
  redact(text: string): string {
    return this.#apiKey ? text.split(this.#apiKey).join('[redacted]') : text;
  }

  /** Sends one request, retrying per the policy above. Never throws; failures come back as data. */
  async complete(req: ChatRequest, signal?: AbortSignal): Promise<ChatOutcome> {
    const t0 = performance.now();
    for (let attempt = 0; ; attempt++) {
      if (isAborted(signal)) return { ok: false, kind: 'aborted', message: 'aborted', attempts: attempt };
      const r = await this.attempt(req, signal);
      if (r.ok) return { ...r, latencyMs: performance.now() - t0, attempts: attempt + 1 };
      if (!r.retryable || attempt >= this.cfg.maxRetries || isAborted(signal)) {
        const kind = isAborted(signal) ? 'aborted' : r.kind;
        const more = r.retryable && attempt > 0 ? ` (after ${attempt + 1} attempts)` : '';
        const fatal = kind === 'aborted' || !r.facts ? null : fatalLine(r.facts, this.cfg);
        return {
          ok: false,
          kind,
          ...(r.status ? { status: r.status } : {}),
          ...(r.facts?.code ? { code: r.facts.code } : {}),
          message: this.clip(r.message + more),
          ...(fatal ? { fatal: this.redact(fatal) } : {}),
          attempts: attempt + 1,
        };
      }
      const backoff = Math.min(this.cfg.retryMaxMs, this.cfg.retryBaseMs * 2 ** attempt) * (1 - Math.random() * 0.25);
      const wait = r.retryAfterMs !== undefined ? Math.min(r.retryAfterMs, this.cfg.maxRetryAfterMs) : backoff;
      const reason = r.kind === 'http' ? `http-${r.status}` : r.kind;
      this.cfg.onRetry?.({ attempt: attempt + 1, reason, waitMs: wait, retryAfter: r.retryAfterMs !== undefined });
      try {
        await sleep(wait, signal);
      } catch {
        return { ok: false, kind: 'aborted', message: 'aborted', attempts: attempt + 1 };
      }
    }
  }

  private clip(text: string): string {
    const t = this.redact(text);
    return t.length > MAX_MESSAGE ? `${t.slice(0, MAX_MESSAGE)}...` : t;
  }

  private async attempt(req: ChatRequest, signal?: AbortSignal): Promise<Attempt> {
    const ctrl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctrl.abort();
    }, this.cfg.timeoutMs);
    const onAbort = () => ctrl.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = {
        model: this.cfg.model,
        messages: req.messages,
        temperature: this.cfg.temperature,
        max_tokens: this.cfg.maxTokens,
      };
      if (req.schema) {
        body.response_format = {
          type: 'json_schema',
          json_schema: { name: req.schema.name, strict: true, schema: req.schema.schema },
        };
      }
      const call = this.#sdk.chat.completions.create(body, {
        signal: ctrl.signal,
        timeout: Math.max(1, Math.round(this.cfg.timeoutMs)),
      });
      // raceAbort: settle the moment the timer or the caller aborts, whatever the SDK is doing.
      const res = (await raceAbort(call, ctrl.signal)) as unknown;
      return this.readReply(res);
    } catch (e) {
      return this.classify(e, signal, timedOut);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private readReply(res: unknown): Attempt {
    const r = (typeof res === 'object' && res !== null ? res : {}) as Partial<OpenAI.Chat.ChatCompletion>;
    const choice = Array.isArray(r.choices) ? r.choices[0] : undefined;
    const content = choice?.message?.content;
    if (typeof content !== 'string') {
      const what =
        typeof res === 'string' ? 'a body that is not JSON' : choice ? 'a choice without text content' : 'no choices';
      return {
        ok: false,
        kind: 'bad-response',
        message: `the server replied with ${what}`,
        retryable: false,
        facts: { kind: 'bad-response', detail: what },
      };
    }
    return {
      ok: true,
      content,
      finishReason: choice?.finish_reason ?? null,
      promptTokens: r.usage?.prompt_tokens ?? 0,
      completionTokens: r.usage?.completion_tokens ?? 0,
    };
  }

  private classify(e: unknown, signal: AbortSignal | undefined, timedOut: boolean): Attempt {
    if (isAborted(signal)) return { ok: false, kind: 'aborted', message: 'aborted', retryable: false };
    if (timedOut || e instanceof APIConnectionTimeoutError) {
      return {
        ok: false,
        kind: 'timeout',
        message: `no complete reply within ${this.cfg.timeoutMs} ms`,
        retryable: true,
      };
    }
    if (e instanceof APIError && typeof e.status === 'number') {
      const s = e.status;
      const retryable = s === 408 || s === 429 || s >= 500;
      const wait = s === 429 || s === 503 ? retryAfterMs(e.headers) : undefined;
      const body = (e.error as { message?: unknown } | undefined)?.message;
      const facts: FailureFacts = {
        kind: 'http',
        status: s,
        serverMessage: this.redact(typeof body === 'string' ? body : e.message),
      };
      return {
        ok: false,
        kind: 'http',
        status: s,
        message: `HTTP ${e.message}`,
        retryable,
        ...(wait !== undefined ? { retryAfterMs: wait } : {}),
        facts,
      };
    }
    if (e instanceof APIConnectionError) {
      const code = errorCode(e);
      const facts: FailureFacts = {
        kind: 'connection',
        ...(code ? { code } : {}),
        serverMessage: this.redact(innermostMessage(e)),
      };
      // A refused connection, an unknown host or a TLS failure will not change in a second: no retry.
      const retryable = fatalLine(facts, this.cfg) === null;
      return {
        ok: false,
        kind: 'connection',
        message: `connection failed: ${facts.serverMessage}${code ? ` (${code})` : ''}`,
        retryable,
        facts,
      };
    }
    // Anything else (a 200 whose body is not valid JSON, ...) would come back the same: no retry.
    const msg = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      kind: 'bad-response',
      message: `unreadable reply: ${msg}`,
      retryable: false,
      facts: { kind: 'bad-response', detail: e instanceof SyntaxError ? 'a body that is not JSON' : clipDetail(msg) },
    };
  }
}
