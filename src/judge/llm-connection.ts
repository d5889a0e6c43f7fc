// The "test connection" of an LLM judge setting, for the page and the CLIs: the requests a run begins
// with (explicit rubric mode: a problem's rubric, then one grade against it; implicit: the one grade,
// which extracts the checkpoints itself), with the judge's own HTTP policy, prompts and parsing, and
// the replies shown. On failure, the same one line (cause and fix) that stops a judge-driven run
// (llm-diagnose.ts). Never throws; the API key is never in what it returns.

import { ChatClient, type ChatOutcome } from './llm-client';
import { DEFAULT_LLM_JUDGE_CONFIG, type LlmJudgeConfig } from './llm-config';
import { failureLine } from './llm-diagnose';
import { parseGradeReply, parseRubricReply } from './llm-parse';
import { GRADE_SCHEMA, RUBRIC_SCHEMA, outcomeMessages, rubricMessages } from './prompts';
import type { JudgeProblem, Rubric } from './types';

export type ConnectionResult =
  | { ok: true; line: string; latencyMs: number; reply: string; rubric?: string } // no rubric in implicit mode
  | { ok: false; line: string; fatal: boolean; rubric?: string; reply?: string };

/** A small problem with a reference, and a correct answer to grade against its rubric. */
const PROBE: JudgeProblem = {
  id: 'connection-test',
  question: 'Compute 48*2+37-5.',
  reference: '48*2 = 96\n96+37 = 133\n133-5 = 128\nA: 128',
  answer: '128',
};
const PROBE_RESPONSE = '### 48*2 = 96\n### 96+37 = 133\n### 133-5 = 128\nA: 128';

/** Sends the requests a run begins with in the config's rubric mode, and says in one line whether a judge could work there. */
export async function testJudgeConnection(
  config: Pick<LlmJudgeConfig, 'baseUrl' | 'model'> & Partial<LlmJudgeConfig>,
  deps: { fetch?: typeof fetch; signal?: AbortSignal } = {},
): Promise<ConnectionResult> {
  const cfg = { ...DEFAULT_LLM_JUDGE_CONFIG, ...config };
  if (!/^https?:\/\/[^\s/]+/i.test(cfg.baseUrl))
    return { ok: false, fatal: true, line: 'the base URL must be an http(s) URL, e.g. http://127.0.0.1:11434/v1' };
  if (typeof cfg.model !== 'string' || cfg.model.trim() === '')
    return { ok: false, fatal: true, line: 'name the model to ask' };
  const client = new ChatClient({ ...cfg, fetch: deps.fetch });
  const json = cfg.structuredOutput === 'json_schema';
  const failed = (out: Extract<ChatOutcome, { ok: false }>): ConnectionResult => {
    if (out.fatal) return { ok: false, fatal: true, line: out.fatal };
    const facts = {
      kind: out.kind,
      ...(out.status ? { status: out.status } : {}),
      ...(out.code ? { code: out.code } : {}),
      serverMessage: out.message,
    };
    return { ok: false, fatal: false, line: client.redact(failureLine(facts, cfg, cfg.timeoutMs)) };
  };
  let rubric: Rubric | null = null,
    shown: string | undefined,
    rubricMs = 0;
  if (cfg.rubricMode === 'explicit') {
    const r = await client.complete(
      {
        messages: rubricMessages(PROBE, json),
        ...(json ? { schema: { name: 'rubric', schema: RUBRIC_SCHEMA as unknown as Record<string, unknown> } } : {}),
      },
      deps.signal,
    );
    if (!r.ok) return failed(r);
    const parsed = parseRubricReply(r.content, json);
    if (parsed.status !== 'ok') {
      const rubricReply = client.redact(r.content.trim()).slice(0, 300);
      return {
        ok: false,
        fatal: false,
        rubric: rubricReply,
        line: `the reply to the rubric request is not a rubric (${client.redact(parsed.error ?? parsed.status)}): the model does not follow the rubric prompt; use the implicit rubric mode, or another model`,
      };
    }
    rubric = {
      problemId: PROBE.id,
      checkpoints: parsed.checkpoints,
      ...(parsed.finalAnswer ? { finalAnswer: parsed.finalAnswer } : {}),
    };
    shown = parsed.checkpoints.join(' · ');
    rubricMs = r.latencyMs;
  }
  const g = await client.complete(
    {
      messages: outcomeMessages(PROBE, PROBE_RESPONSE, rubric, json),
      ...(json ? { schema: { name: 'grade', schema: GRADE_SCHEMA as unknown as Record<string, unknown> } } : {}),
    },
    deps.signal,
  );
  if (!g.ok) return { ...failed(g), ...(shown ? { rubric: shown } : {}) };
  const reply = client.redact(g.content.trim()).slice(0, 300);
  const grade = parseGradeReply(g.content, json, g.finishReason === 'length');
  if (grade.status !== 'ok' || grade.k === null) {
    return {
      ok: false,
      fatal: false,
      ...(shown ? { rubric: shown } : {}),
      reply,
      line: `the reply to the grading request has no usable score (${client.redact(grade.error ?? grade.status)}): the model does not end with "Score: k" (k in 1..5); try another model`,
    };
  }
  const latencyMs = rubricMs + g.latencyMs;
  const what = rubric
    ? `wrote a rubric (${rubric.checkpoints.length} checkpoints) and graded`
    : 'graded (implicit rubric)';
  return {
    ok: true,
    latencyMs,
    ...(shown ? { rubric: shown } : {}),
    reply,
    line: `${cfg.model} at ${cfg.baseUrl} ${what} a correct answer ${grade.k}/5, in ${Math.round(latencyMs)} ms`,
  };
}
