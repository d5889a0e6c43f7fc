// The LLM judge: any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM, llama.cpp
// server, LM Studio) grading the policy's response against the hidden reference (method.md, "Rewards").
// Outcome: one call on the whole response. Process: one call per segment, concurrently within the limit.
// Explicit rubric mode builds the checkpoints once per problem (cached); implicit asks for them per call.
// A rubric that failed is remembered with its cause: the grades that need it fail with that cause
// without asking again (a fresh judge, e.g. the next run, asks again).
// Every failure is a Grade with reward null and its reason, counted, never a score. A fatal failure
// (llm-diagnose.ts: wrong key, wrong URL, no server, not a chat API) is latched: later calls fail at
// once with the same line, without a request, and deps.onFatal hears it once. HTTP policy:
// llm-client.ts; parsing: llm-parse.ts; prompts: prompts.ts; cache: cache.ts / cache-idb.ts.

import { MemoryJudgeCache, type JudgeCache, type JudgeCacheRecord } from './cache';
import { CachedCalls, type CallKind } from './llm-cached';
import { ChatClient, type ChatOutcome, type RetryEvent } from './llm-client';
import { AbortedError, Semaphore, childSignal, isAborted, raceAbort } from './llm-limiter';
import { parseGradeReply, parseRubricReply } from './llm-parse';
import {
  DEFAULT_LLM_JUDGE_CONFIG,
  countOutcome,
  emptyStats,
  type LlmJudgeConfig,
  type LlmJudgeStats,
} from './llm-config';
import { splitSegments } from './segments';
import {
  GRADE_SCHEMA,
  RUBRIC_SCHEMA,
  outcomeMessages,
  processMessages,
  rubricMessages,
  type ChatMessage,
} from './prompts';
import {
  DEFAULT_JUDGE_OPTIONS,
  likertToReward,
  type Grade,
  type Judge,
  type JudgeOptions,
  type JudgeProblem,
  type ParseStatus,
  type ProcessGrade,
  type Rubric,
  type RubricMode,
} from './types';

export { DEFAULT_LLM_JUDGE_CONFIG, type LlmJudgeConfig, type LlmJudgeStats, type StructuredOutput } from './llm-config';

type FailureStatus = Exclude<ParseStatus, 'ok'>;
type Kind = CallKind;
export type RubricResult = { ok: true; rubric: Rubric | null } | { ok: false; error: string; reason: string };
/** A reply to parse, a cache hit, or a failure (status 'error' or 'malformed', with its reason). */
type Asked =
  | { type: 'reply'; content: string; json: boolean; truncated: boolean; key: string }
  | { type: 'hit'; record: JudgeCacheRecord }
  | { type: 'fail'; status: FailureStatus; reason: string; error: string };

export interface LlmJudgeDeps {
  cache?: JudgeCache; // default: an in-memory cache for this judge's lifetime
  fetch?: typeof fetch;
  onRetry?: (e: RetryEvent) => void; // each scheduled retry (progress displays, tests)
  onFatal?: (line: string) => void; // the first fatal failure: a run should stop and show this line
}

export class LlmJudge implements Judge {
  readonly name: string;
  readonly config: Readonly<Omit<LlmJudgeConfig, 'apiKey'>>;
  readonly #client: ChatClient;
  readonly #limiter: Semaphore;
  readonly #cache: JudgeCache;
  readonly #keys: CachedCalls;
  readonly #rubricsInFlight = new Map<string, Promise<RubricResult>>();
  readonly #rubricsFailed = new Map<string, RubricResult>(); // problem -> its failed rubric (asked once)
  #stats = emptyStats();
  #jsonAccepted: boolean | undefined; // 'auto': learned from the first reply or rejection
  #fatal: string | undefined;
  readonly #onFatal: ((line: string) => void) | undefined;

  constructor(config: Pick<LlmJudgeConfig, 'baseUrl' | 'model'> & Partial<LlmJudgeConfig>, deps: LlmJudgeDeps = {}) {
    const { apiKey, ...rest } = { ...DEFAULT_LLM_JUDGE_CONFIG, ...config };
    if (!/^https?:\/\/[^\s/]+/i.test(rest.baseUrl))
      throw new Error('LLM judge: baseUrl must be an http(s) URL, e.g. http://127.0.0.1:11434/v1');
    if (typeof rest.model !== 'string' || rest.model.trim() === '')
      throw new Error(`LLM judge: model is required, got ${JSON.stringify(rest.model)}`);
    if (!(rest.timeoutMs > 0)) throw new RangeError(`LLM judge: timeoutMs must be > 0, got ${rest.timeoutMs}`);
    if (!Number.isInteger(rest.maxTokens) || rest.maxTokens < 1)
      throw new RangeError(`LLM judge: maxTokens must be an integer >= 1, got ${rest.maxTokens}`);
    if (!Number.isInteger(rest.maxRetries) || rest.maxRetries < 0)
      throw new RangeError(`LLM judge: maxRetries must be an integer >= 0, got ${rest.maxRetries}`);
    this.config = Object.freeze(rest);
    this.name = `llm:${rest.model}`;
    this.#client = new ChatClient({ ...rest, apiKey, fetch: deps.fetch, onRetry: deps.onRetry });
    this.#onFatal = deps.onFatal;
    this.#limiter = new Semaphore(rest.concurrency);
    this.#cache = deps.cache ?? new MemoryJudgeCache();
    this.#keys = new CachedCalls(this.config, this.#cache, () => this.modes());
  }

  /** How many requests grading `response` as a whole would send now (0, 1, or 2 with its rubric); sends nothing. */
  requestsFor(
    problem: JudgeProblem,
    response: string,
    rubricMode: RubricMode = this.config.rubricMode,
  ): Promise<number> {
    return this.#keys.requestsFor(problem, response, rubricMode);
  }

  /** Whether the explicit rubric of a problem would be asked for (there is a reference, and it is not cached). */
  rubricNeeded(problem: JudgeProblem): Promise<boolean> {
    return this.#keys.rubricNeeded(problem);
  }

  /** The line of the first fatal failure (wrong key, wrong URL, no server, ...), undefined while there is none. */
  get fatal(): string | undefined {
    return this.#fatal;
  }

  /** A snapshot of the counters. */
  stats(): LlmJudgeStats {
    return structuredClone(this.#stats);
  }

  resetStats(): void {
    this.#stats = emptyStats();
  }

  async outcome(problem: JudgeProblem, response: string, opts: Partial<JudgeOptions> = {}): Promise<Grade> {
    const o = this.options(opts);
    const rubric = await this.rubricFor(problem, o);
    if (!rubric.ok) return this.failGrade('error', rubric.reason, rubric.error);
    return this.grade('outcome', problem, response, rubric.rubric, o.signal);
  }

  async process(problem: JudgeProblem, response: string, opts: Partial<JudgeOptions> = {}): Promise<ProcessGrade> {
    const o = this.options(opts);
    const segments = splitSegments(response, o.stepDelimiter);
    const rubric = await this.rubricFor(problem, o);
    const grades = await Promise.all(
      segments.map((seg) =>
        rubric.ok
          ? this.grade('process', problem, seg, rubric.rubric, o.signal)
          : this.failGrade('error', rubric.reason, rubric.error),
      ),
    );
    return { segments, grades, ok: grades.every((g) => g.status === 'ok') };
  }

  /**
   * The explicit rubric of a problem: one call, cached, shared by concurrent graders of the same
   * problem. null when there is no reference to build it from (the prompts then say so).
   */
  async buildRubric(problem: JudgeProblem, signal?: AbortSignal): Promise<RubricResult> {
    if (!problem.reference.trim()) return { ok: true, rubric: null };
    const id = JSON.stringify([problem.id, problem.question, problem.reference]);
    const failed = this.#rubricsFailed.get(id);
    if (failed) return failed;
    let shared = this.#rubricsInFlight.get(id);
    if (!shared) {
      shared = this.fetchRubric(problem, signal).finally(() => this.#rubricsInFlight.delete(id));
      this.#rubricsInFlight.set(id, shared);
    }
    let r: RubricResult;
    const child = childSignal(signal);
    try {
      r = await raceAbort(shared, child.signal);
    } catch {
      return { ok: false, error: 'aborted', reason: 'aborted' };
    } finally {
      child.dispose();
    }
    // The caller that started the shared call cancelled it, not this one: ask again.
    if (!r.ok && r.reason === 'aborted' && !isAborted(signal)) return this.buildRubric(problem, signal);
    if (!r.ok && r.reason !== 'aborted' && !this.#rubricsFailed.has(id)) {
      this.#rubricsFailed.set(id, r);
      this.#stats.rubricFailures++;
    }
    return r;
  }

  private options(opts: Partial<JudgeOptions>): JudgeOptions {
    return {
      ...DEFAULT_JUDGE_OPTIONS,
      rubricMode: this.config.rubricMode,
      stepDelimiter: this.config.stepDelimiter,
      ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)),
    };
  }

  private rubricFor(problem: JudgeProblem, o: JudgeOptions): Promise<RubricResult> {
    return o.rubricMode === 'explicit'
      ? this.buildRubric(problem, o.signal)
      : Promise.resolve({ ok: true, rubric: null });
  }

  private async fetchRubric(problem: JudgeProblem, signal?: AbortSignal): Promise<RubricResult> {
    const a = await this.ask('rubric', (json) => rubricMessages(problem, json), signal);
    if (a.type === 'hit') {
      if (a.record.kind !== 'rubric') return { ok: false, error: 'cache record of the wrong kind', reason: 'cache' }; // lookup checked it
      return {
        ok: true,
        rubric: {
          problemId: problem.id,
          checkpoints: a.record.checkpoints,
          ...(a.record.finalAnswer ? { finalAnswer: a.record.finalAnswer } : {}),
        },
      };
    }
    // A transport failure keeps its reason (timeout, http-500, ...); an unusable rubric reply is 'rubric'.
    if (a.type === 'fail')
      return { ok: false, error: `rubric: ${a.error}`, reason: a.status === 'error' ? a.reason : 'rubric' };
    // A rubric cut at max_tokens may have lost its last checkpoints and the final answer: grading
    // against it would punish correct work, so it fails like an unparsable one.
    if (a.truncated)
      return {
        ok: false,
        error: 'rubric: the reply was cut at max_tokens (finish_reason "length"); raise maxTokens',
        reason: 'rubric',
      };
    const p = parseRubricReply(a.content, a.json);
    if (p.status !== 'ok')
      return { ok: false, error: `rubric: ${this.#client.redact(p.error ?? p.status)}`, reason: 'rubric' };
    const checkpoints = p.checkpoints.map((c) => this.#client.redact(c));
    const finalAnswer = p.finalAnswer ? { finalAnswer: this.#client.redact(p.finalAnswer) } : {};
    await this.store(a.key, { kind: 'rubric', checkpoints, ...finalAnswer, createdAt: Date.now() });
    return { ok: true, rubric: { problemId: problem.id, checkpoints, ...finalAnswer } };
  }

  private async grade(
    kind: 'outcome' | 'process',
    problem: JudgeProblem,
    text: string,
    rubric: Rubric | null,
    signal?: AbortSignal,
  ): Promise<Grade> {
    const build = kind === 'outcome' ? outcomeMessages : processMessages;
    const a = await this.ask(kind, (json) => build(problem, text, rubric, json), signal);
    if (a.type === 'fail') return this.failGrade(a.status, a.reason, a.error);
    if (a.type === 'hit') {
      if (a.record.kind !== 'grade') return this.failGrade('error', 'cache', 'cache record of the wrong kind'); // lookup checked it
      return this.okGrade(a.record.k, a.record.rationale);
    }
    const p = parseGradeReply(a.content, a.json, a.truncated);
    if (p.status !== 'ok' || p.k === null) {
      return this.failGrade(
        p.status === 'ok' ? 'no-score' : p.status,
        p.status,
        p.error ?? p.status,
        this.#client.redact(p.rationale),
      );
    }
    const rationale = this.#client.redact(p.rationale);
    await this.store(a.key, { kind: 'grade', k: p.k, rationale, createdAt: Date.now() });
    return this.okGrade(p.k, rationale);
  }

  /** Output modes to try, in order: JSON first where it is (or may be) accepted. */
  private modes(): boolean[] {
    const s = this.config.structuredOutput;
    if (s === 'off') return [false];
    if (s === 'json_schema') return [true];
    return this.#jsonAccepted === false ? [false] : [true, false];
  }

  /**
   * Cache lookup, then one limited, retried call. 'auto': a 400/422 to a JSON request is asked again
   * in text; only when that text request is answered is the server marked as one without JSON
   * support (a 400 for another reason, e.g. a prompt too long, fails both and marks nothing).
   */
  private async ask(kind: Kind, messagesFor: (json: boolean) => ChatMessage[], signal?: AbortSignal): Promise<Asked> {
    let jsonRejected = false;
    for (const json of this.modes()) {
      const messages = messagesFor(json);
      const key = await this.#keys.key(kind, messages, json);
      const record = await this.#keys.lookup(key, kind);
      if (record) {
        this.#stats.cacheHits++;
        return { type: 'hit', record };
      }
      if (isAborted(signal)) return { type: 'fail', status: 'error', reason: 'aborted', error: 'aborted' };
      if (this.#fatal !== undefined) return { type: 'fail', status: 'error', reason: 'fatal', error: this.#fatal };
      const out = await this.send(kind, messages, json, signal);
      if (out === 'aborted') return { type: 'fail', status: 'error', reason: 'aborted', error: 'aborted' };
      if (out === 'fatal') return { type: 'fail', status: 'error', reason: 'fatal', error: this.#fatal ?? 'fatal' };
      countOutcome(this.#stats, out, this.config);
      const auto = this.config.structuredOutput === 'auto';
      if (!out.ok) {
        if (json && auto && out.kind === 'http' && (out.status === 400 || out.status === 422)) {
          jsonRejected = true;
          continue;
        }
        const reason = out.kind === 'http' ? `http-${out.status}` : out.kind;
        if (out.fatal !== undefined) this.latchFatal(out.fatal);
        return {
          type: 'fail',
          status: out.kind === 'bad-response' ? 'malformed' : 'error',
          reason,
          error: out.fatal ?? out.message,
        };
      }
      if (auto) this.#jsonAccepted = json ? true : jsonRejected ? false : this.#jsonAccepted;
      return { type: 'reply', content: out.content, json, truncated: out.finishReason === 'length', key };
    }
    return { type: 'fail', status: 'error', reason: 'http-400', error: 'the server rejected every output mode' };
  }

  private latchFatal(line: string): void {
    if (this.#fatal !== undefined) return;
    this.#fatal = line;
    this.#stats.fatal = line;
    this.#onFatal?.(line);
  }

  /** One request through the limiter; a queued request whose signal aborts is never sent. */
  private async send(
    kind: Kind,
    messages: ChatMessage[],
    json: boolean,
    signal?: AbortSignal,
  ): Promise<ChatOutcome | 'aborted' | 'fatal'> {
    const schema = kind === 'rubric' ? RUBRIC_SCHEMA : GRADE_SCHEMA;
    const request = {
      messages,
      ...(json
        ? {
            schema: {
              name: kind === 'rubric' ? 'rubric' : 'grade',
              schema: schema as unknown as Record<string, unknown>,
            },
          }
        : {}),
    };
    const child = childSignal(signal);
    try {
      return await this.#limiter.run(async () => {
        if (this.#fatal !== undefined) return 'fatal' as const; // queued behind a call that just failed fatally: send nothing
        this.#stats.calls++;
        if (kind === 'rubric') this.#stats.rubricCalls++;
        return this.#client.complete(request, child.signal);
      }, child.signal);
    } catch (e) {
      if (e instanceof AbortedError) return 'aborted';
      throw e;
    } finally {
      child.dispose();
    }
  }

  private async store(key: string, record: JudgeCacheRecord): Promise<void> {
    try {
      await this.#cache.set(key, record);
    } catch {
      // not cached; the grade stands
    }
  }

  private okGrade(k: number, rationale: string): Grade {
    this.#stats.grades++;
    return { k, reward: likertToReward(k), rationale, status: 'ok' };
  }

  private failGrade(status: FailureStatus, reason: string, error: string, rationale = ''): Grade {
    const s = this.#stats;
    s.grades++;
    s.failures[status]++;
    if (status === 'error') s.errors[reason] = (s.errors[reason] ?? 0) + 1;
    return {
      k: null,
      reward: null,
      rationale,
      status,
      error: this.#client.redact(error),
      cause: status === 'error' ? reason : status,
    };
  }
}
