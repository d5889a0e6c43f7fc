// The "test connection" of an LLM judge setting, for the page and the CLIs: one tiny chat completion
// with the judge's own HTTP policy, and on failure the same one line (cause and fix) that stops a
// judge-driven run (llm-diagnose.ts). Never throws; the API key is never in what it returns.

import { ChatClient } from './llm-client';
import { DEFAULT_LLM_JUDGE_CONFIG, type LlmJudgeConfig } from './llm-config';
import { failureLine } from './llm-diagnose';

export type ConnectionResult =
  | { ok: true; line: string; latencyMs: number; reply: string }
  | { ok: false; line: string; fatal: boolean };

/** Sends "Reply with OK." to the endpoint and says, in one line, whether a judge could work there. */
export async function testJudgeConnection(
  config: Pick<LlmJudgeConfig, 'baseUrl' | 'model'> & Partial<LlmJudgeConfig>,
  deps: { fetch?: typeof fetch; signal?: AbortSignal } = {},
): Promise<ConnectionResult> {
  const cfg = { ...DEFAULT_LLM_JUDGE_CONFIG, ...config };
  if (!/^https?:\/\/[^\s/]+/i.test(cfg.baseUrl)) return { ok: false, fatal: true, line: 'the base URL must be an http(s) URL, e.g. http://127.0.0.1:11434/v1' };
  if (typeof cfg.model !== 'string' || cfg.model.trim() === '') return { ok: false, fatal: true, line: 'name the model to ask' };
  const client = new ChatClient({ ...cfg, maxTokens: 16, fetch: deps.fetch });
  const out = await client.complete({ messages: [{ role: 'user', content: 'Reply with OK.' }] }, deps.signal);
  if (out.ok) {
    const reply = out.content.trim().slice(0, 40);
    return { ok: true, latencyMs: out.latencyMs, reply, line: `${cfg.model} at ${cfg.baseUrl} answered in ${Math.round(out.latencyMs)} ms` };
  }
  if (out.fatal) return { ok: false, fatal: true, line: out.fatal };
  const facts = { kind: out.kind, ...(out.status ? { status: out.status } : {}), ...(out.code ? { code: out.code } : {}), serverMessage: out.message };
  return { ok: false, fatal: false, line: client.redact(failureLine(facts, cfg, cfg.timeoutMs)) };
}
