// What the LLM judge's cache already holds: the key of a call (judge settings, prompt version, output
// mode and messages; never the key), its cached record in any output mode the judge may use, and from
// those how many requests a grade would send now (call estimates ask this before a run; it sends nothing).

import { isValidRecord, judgeCacheKey, type JudgeCache, type JudgeCacheRecord } from './cache';
import type { LlmJudgeConfig } from './llm-config';
import { PROMPT_VERSION, outcomeMessages, rubricMessages, type ChatMessage } from './prompts';
import type { JudgeProblem, Rubric, RubricMode } from './types';

export type CallKind = 'rubric' | 'outcome' | 'process';

export class CachedCalls {
  constructor(
    private readonly config: Readonly<Omit<LlmJudgeConfig, 'apiKey'>>,
    private readonly cache: JudgeCache,
    private readonly modes: () => boolean[], // output modes the judge would try, JSON first
  ) {}

  key(kind: CallKind, messages: ChatMessage[], json: boolean): Promise<string> {
    const c = this.config;
    return judgeCacheKey({
      baseUrl: c.baseUrl,
      model: c.model,
      temperature: c.temperature,
      maxTokens: c.maxTokens,
      structured: json ? 'json' : 'text',
      promptVersion: PROMPT_VERSION,
      kind,
      messages,
    });
  }

  // A cache that fails (quota, a closed database) or holds a damaged record costs a call, never a grade.
  async lookup(key: string, kind: CallKind): Promise<JudgeCacheRecord | undefined> {
    try {
      const record = await this.cache.get(key);
      return isValidRecord(record, kind) ? record : undefined;
    } catch {
      return undefined;
    }
  }

  /** The cached record of a call in any output mode the judge may use (none: the call would be sent). */
  async cached(kind: CallKind, messagesFor: (json: boolean) => ChatMessage[]): Promise<JudgeCacheRecord | undefined> {
    for (const json of this.modes()) {
      const record = await this.lookup(await this.key(kind, messagesFor(json), json), kind);
      if (record) return record;
    }
    return undefined;
  }

  /** Requests a whole-response grade would send now: 0, 1 (the grade) or 2 (its explicit rubric too). */
  async requestsFor(problem: JudgeProblem, response: string, rubricMode: RubricMode): Promise<number> {
    let rubric: Rubric | null = null;
    if (rubricMode === 'explicit' && problem.reference.trim()) {
      const r = await this.cached('rubric', (json) => rubricMessages(problem, json));
      if (!r || r.kind !== 'rubric') return 2;
      rubric = {
        problemId: problem.id,
        checkpoints: r.checkpoints,
        ...(r.finalAnswer ? { finalAnswer: r.finalAnswer } : {}),
      };
    }
    return (await this.cached('outcome', (json) => outcomeMessages(problem, response, rubric, json))) ? 0 : 1;
  }

  async rubricNeeded(problem: JudgeProblem): Promise<boolean> {
    return problem.reference.trim() !== '' && !(await this.cached('rubric', (json) => rubricMessages(problem, json)));
  }
}
