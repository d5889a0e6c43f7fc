// The judge of the worker's RL runs: the built-in one with the form's knobs, or an OpenAI-compatible
// endpoint. The API key lives here, in the worker's memory, for the session (the page may hand it over
// again from its own storage when the user asked to keep it); it never enters a run record, an event or
// an export. Also the connection test, which tells a browser's CORS refusal apart from a dead server.

import { BuiltinJudge } from '../judge/builtin';
import { LlmJudge } from '../judge/llm';
import { IdbJudgeCache } from '../judge/cache-idb';
import { testJudgeConnection } from '../judge/llm-connection';
import type { Grade, Judge, JudgeOptions, JudgeProblem, ProcessGrade } from '../judge/types';
import type { JudgeStatsView, JudgeTest, PageJudge } from './api';
import { rubricOf } from './rl-setup';

/** The built-in judge, counting its calls and time the way the LLM judge counts requests. */
class CountingJudge implements Judge {
  calls = 0;
  ms = 0;
  constructor(readonly inner: BuiltinJudge) {}
  get name(): string {
    return this.inner.name;
  }
  private async timed<T>(fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.calls++;
      this.ms += performance.now() - t0;
    }
  }
  outcome(p: JudgeProblem, r: string, o?: Partial<JudgeOptions>): Promise<Grade> {
    return this.timed(() => this.inner.outcome(p, r, o));
  }
  process(p: JudgeProblem, r: string, o?: Partial<JudgeOptions>): Promise<ProcessGrade> {
    return this.timed(() => this.inner.process(p, r, o));
  }
}

export class JudgeSlot {
  private key?: string;
  private cache?: Promise<IdbJudgeCache | undefined>;

  setKey(key: string | null): void {
    this.key = key && key.trim() !== '' ? key.trim() : undefined;
  }

  get hasKey(): boolean {
    return this.key !== undefined;
  }

  /** A judge for a run; `pool` feeds the built-in judge's wrong-reference mode. A setup the LLM judge
   *  cannot work with is its `fatal` line (the grade policy of src/experiment/world-judge.ts stops the run on it). */
  async create(j: PageJudge, seed: number, pool: JudgeProblem[]): Promise<Judge> {
    if (j.kind === 'builtin')
      return new CountingJudge(
        new BuiltinJudge({
          referenceMode: j.referenceMode,
          errorRate: j.errorRate,
          seed,
          pool: j.referenceMode === 'wrong' ? pool : [],
        }),
      );
    this.cache ??= IdbJudgeCache.open().catch(() => undefined); // no IndexedDB: the judge's own memory cache
    const cache = await this.cache;
    return new LlmJudge(
      {
        baseUrl: j.baseUrl,
        model: j.model,
        apiKey: this.key,
        concurrency: j.concurrency,
        timeoutMs: j.timeoutS * 1000,
        pricePer1kInput: j.pricePer1kInput,
        pricePer1kOutput: j.pricePer1kOutput,
        rubricMode: rubricOf(j),
      },
      cache ? { cache } : {},
    );
  }

  /** The requests a run begins with (in the setting's rubric mode); on a network failure, whether the browser refused it for CORS. */
  async test(j: Extract<PageJudge, { kind: 'llm' }>): Promise<JudgeTest> {
    const r = await testJudgeConnection({
      baseUrl: j.baseUrl,
      model: j.model,
      apiKey: this.key,
      timeoutMs: j.timeoutS * 1000,
      maxRetries: 0,
      rubricMode: rubricOf(j),
    });
    if (r.ok)
      return {
        ok: true,
        line: r.line,
        reply: r.reply,
        ...(r.rubric !== undefined ? { rubric: r.rubric } : {}),
        latencyMs: r.latencyMs,
      };
    const replies = {
      ...(r.rubric !== undefined ? { rubric: r.rubric } : {}),
      ...(r.reply !== undefined ? { reply: r.reply } : {}),
    };
    const cors =
      r.rubric === undefined && !r.line.startsWith('the server answered') && (await reachableWithoutCors(j.baseUrl));
    if (cors) return { ok: false, cors: true, line: await corsLine(j.baseUrl, self.location.origin) };
    return { ok: false, cors: false, line: r.line, ...replies };
  }
}

/** The live counters of a run's judge. */
export function judgeStats(j: Judge): JudgeStatsView {
  if (j instanceof LlmJudge) {
    const s = j.stats();
    const failures: Record<string, number> = {};
    // Each failed grade once, by cause: the parse statuses, and the reasons of the 'error' status.
    const { error: _errors, ...parse } = s.failures;
    for (const [k, v] of Object.entries({ ...parse, ...s.errors })) if (v > 0) failures[k] = v;
    return {
      judge: j.name,
      calls: s.calls,
      cacheHits: s.cacheHits,
      failures,
      meanLatencyMs: s.answered > 0 ? s.latencyMsTotal / s.answered : 0,
      cost: s.cost,
      fatal: s.fatal,
    };
  }
  const c = j instanceof CountingJudge ? j : undefined;
  return {
    judge: j.name,
    calls: c?.calls ?? 0,
    cacheHits: 0,
    failures: {},
    meanLatencyMs: c && c.calls > 0 ? c.ms / c.calls : 0,
    cost: 0,
    fatal: null,
  };
}

/**
 * Why the browser refused: a plain GET (no preflight) that the page may read means the server sends
 * Access-Control-Allow-Origin, so what failed is the OPTIONS preflight of the judge's POST (it sends
 * Authorization and Content-Type: application/json); otherwise the header is missing altogether.
 */
async function corsLine(baseUrl: string, origin: string): Promise<string> {
  const base = baseUrl.replace(/\/+$/, '');
  const preflight =
    'answer the OPTIONS preflight with a 2xx, Access-Control-Allow-Origin, Access-Control-Allow-Headers: authorization, content-type and Access-Control-Allow-Methods: POST';
  try {
    await fetch(`${base}/models`, { mode: 'cors' });
    return `the browser refused the request because its preflight failed: the server at ${baseUrl} sends Access-Control-Allow-Origin to a plain request, but not a good answer to the OPTIONS preflight of the judge's POST to ${base}/chat/completions; it must ${preflight}`;
  } catch {
    return `the browser refused the reply because the server at ${baseUrl} sends no Access-Control-Allow-Origin header for this page's origin ${origin}: the server is running, but it must allow this origin, and ${preflight}`;
  }
}

/** Whether the server answers at all when the browser does not ask to read the reply (no CORS check). */
async function reachableWithoutCors(baseUrl: string): Promise<boolean> {
  if (typeof self === 'undefined' || !('location' in self)) return false;
  try {
    const ctl = new AbortController();
    const t = setTimeout(() => ctl.abort(), 5000);
    await fetch(`${baseUrl.replace(/\/+$/, '')}/models`, { mode: 'no-cors', signal: ctl.signal });
    clearTimeout(t);
    return true; // an opaque reply: something is listening there
  } catch {
    return false;
  }
}
