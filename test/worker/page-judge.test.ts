// The page's LLM judge in the worker, against a loopback chat-completions server: the failure
// counter counts each failed grade once, by the cause its verdict names; a judge that answers 401, or
// one that writes no rubric, stops an RL run before any step is recorded, with one line (cause and
// fix) as the run's error and a 'judge' event, nothing marked done; the implicit rubric mode of the
// settings reaches every grade of the run (no rubric request) and is stored with the run's setup,
// never the key. Real WebGPU (SwiftShader without a GPU) and IndexedDB (fake-indexeddb).

import 'fake-indexeddb/auto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store';
import { tally, sumCounts } from '../../src/run/grade-failures';
import { JudgeSlot, judgeStats } from '../../src/worker/judge-slot';
import { rlSetupFor } from '../../src/worker/rl-setup';
import type { PageJudge, WorkerEvent } from '../../src/worker/api';
import { shippedSession } from '../helpers/worker-session';
import { useFakeLlmServer } from '../helpers/fake-llm-server';
import { scoreOnlyJudge, unauthorizedJudge } from '../helpers/judge-scenarios';

const fake = useFakeLlmServer();
const KEY = 'sk-pagejudge0123456789abcdef';
const opened: Store[] = [];
afterAll(() => opened.forEach((s) => s.close()));

const llm = (rubric: 'explicit' | 'implicit'): Extract<PageJudge, { kind: 'llm' }> => ({
  kind: 'llm',
  baseUrl: fake.server.baseUrl,
  model: 'fake-judge',
  concurrency: 2,
  timeoutS: 10,
  pricePer1kInput: 0,
  pricePer1kOutput: 0,
  rubric,
});

/** A session on its own database, its events, and the key the page handed over. */
async function session() {
  const { s, events } = await shippedSession('page-judge', opened);
  await s.setJudgeKey(KEY);
  return { s, events };
}

/** The smallest RL run of the outcome arm: one step of one prompt and two samples, no evaluation. */
function setup(judge: PageJudge) {
  const x = rlSetupFor('demo', 'outcome', 'stage1', { judge, evaluate: false, name: 'judge test' });
  x.options.stageI = { ...x.options.stageI, steps: 1, promptsPerStep: 1, groupSize: 2 };
  return x;
}

async function ended(events: WorkerEvent[], runId: string) {
  const last = () =>
    events
      .filter((e) => e.type === 'run' && e.run.id === runId)
      .map((e) => (e.type === 'run' ? e.run : undefined))
      .at(-1);
  for (;;) {
    const r = last();
    if (r && r.status !== 'running') return r;
    await new Promise((res) => setTimeout(res, 20));
  }
}

describe("the page's judge failure counter", () => {
  it('counts each failed grade once, by the cause its verdict names', async () => {
    const judge = await new JudgeSlot().create(llm('implicit'), 1, []);
    const p = { id: 'p', question: 'Compute 2+3.', reference: '2+3 = 5\nA: 5' };
    const grades = await Promise.all(
      ['A: 5', '[[noscore]]', '[[status:418]]', '[[score:9]]'].map((r) => judge.outcome(p, r)),
    );
    const stats = judgeStats(judge);
    expect(stats.failures).toEqual(tally(grades).byCause);
    expect(stats.failures).toEqual({ 'no-score': 1, 'http-418': 1, 'out-of-range': 1 });
    expect(sumCounts(stats.failures)).toBe(grades.filter((g) => g.status !== 'ok').length);
  });
});

describe('a page RL run whose judge cannot grade', () => {
  it('a 401 stops it before any step is recorded, with the cause and a fix; nothing is done', async () => {
    fake.server.responder = unauthorizedJudge;
    const { s, events } = await session();
    const [run] = await s.startRl([setup(llm('explicit'))]);
    const end = await ended(events, run.id);
    expect(end.status).toBe('stopped');
    expect(end.step).toBe(0);
    expect(end.error).toMatch(
      /^The judge cannot grade: the server answered 401 \(unauthorized\) .*check the API key.* Step 1 was not recorded\. Fix the judge settings/,
    );
    expect(await s.getMetrics(run.id)).toEqual([]);
    expect(events.filter((e) => e.type === 'metrics')).toEqual([]);
    const errors = events.filter((e) => e.type === 'error');
    expect(errors).toEqual([{ type: 'error', runId: run.id, kind: 'judge', message: end.error }]);
    expect(fake.server.requests).toHaveLength(1); // the opening rubric request, answered 401; nothing more was sent
    expect(fake.server.requests[0].authorization).toBe(`Bearer ${KEY}`);
    const stored = (await s.listRuns()).find((r) => r.id === run.id)!;
    expect(stored).toMatchObject({ status: 'stopped', step: 0, error: end.error });
    expect(JSON.stringify(stored)).not.toContain(KEY);
  });

  it('a server that writes no rubric stops it at the opening check, naming the implicit rubric mode', async () => {
    fake.server.responder = scoreOnlyJudge;
    const { s, events } = await session();
    const [run] = await s.startRl([setup(llm('explicit'))]);
    const end = await ended(events, run.id);
    expect(end).toMatchObject({ status: 'stopped', step: 0 });
    expect(end.error).toMatch(
      /^The judge cannot grade: the judge's reply to the rubric request was not a rubric \(.*\): .*choose the implicit rubric mode in the judge settings/,
    );
    expect(await s.getMetrics(run.id)).toEqual([]);
    expect(fake.server.requests.map((q) => q.rubric)).toEqual([true]);
  });

  it('in the implicit rubric mode the same server grades every response of the run; the mode is stored, the key is not', async () => {
    fake.server.responder = scoreOnlyJudge;
    const { s, events } = await session();
    const [run] = await s.startRl([setup(llm('implicit'))]);
    const end = await ended(events, run.id);
    expect(end.status, end.error).toBe('done');
    expect((await s.getMetrics(run.id)).map((p) => p.step)).toEqual([1]);
    expect(fake.server.requests.length).toBe(3); // the opening grade and the two responses
    expect(fake.server.requests.every((q) => !q.rubric)).toBe(true);
    const stored = (await s.listRuns()).find((r) => r.id === run.id)!;
    expect(stored.config).toMatchObject({ judge: { kind: 'llm', rubric: 'implicit' } });
    expect(JSON.stringify(stored)).not.toContain(KEY);
  });
});
