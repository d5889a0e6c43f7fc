// The RL panels' state without a worker: runs on shared step axes, the inspector's reading of a trace
// (token colours, greyed tokens and why, segments with verdicts, failed grades with their cause), the
// judge and RL forms' refusals and the rubric mode they carry,
// the replay of a recorded file, and the results viewer on a results file.
import { describe, expect, it } from 'vitest';
import { RunView, aligned } from '../../src/ui/state/runview.svelte';
import { RlState } from '../../src/ui/state/rl.svelte';
import { advColor, inspect, scaleOf } from '../../src/ui/state/inspect';
import { DEFAULT_JUDGE_FIELDS, JudgeForm, parseJudge } from '../../src/ui/state/judge-form.svelte';
import { parseRl, rlFieldsFor } from '../../src/ui/state/rl-form.svelte';
import { Replay, REPLAY_SCHEMA } from '../../src/ui/state/replay.svelte';
import { ResultsView } from '../../src/ui/state/results-view.svelte';
import { RESULTS_SCHEMA } from '../../src/experiment/results';
import { PRESETS } from '../../src/experiment/presets';
import { encode, EOS_ID } from '../../src/model/tokenizer';
import type { TraceRecord, TraceSet } from '../../src/worker/api';
import { FakeApi, runRecord } from './fake-api';
import { causeName, failureOf } from '../../src/ui/state/verdicts';
import type { VerdictDetail } from '../../src/run/scorers';

const point = (step: number, values: Record<string, number>) => ({ step, time: step, values });
const judge = { kind: 'builtin' as const, referenceMode: 'given' as const, errorRate: 0, rubric: 'explicit' as const };

function trace(response: string, advantages: number[], patch: Partial<TraceRecord> = {}): TraceRecord {
  const tokens = [...encode(response), EOS_ID];
  return {
    response,
    tokens,
    advantages,
    mask: tokens.map(() => 1),
    score: { kind: 'outcome', reward: 0 },
    correct: 0,
    dense: 0.5,
    truncated: false,
    ...patch,
  };
}

describe('RL state', () => {
  it('puts several runs on one step axis, NaN where a run has no step', () => {
    const a = new RunView(runRecord('a'), [point(1, { 'rl/correct': 0 }), point(2, { 'rl/correct': 0.5 })]);
    const b = new RunView(runRecord('b'), [point(2, { 'rl/correct': 1 }), point(3, { 'rl/correct': 0 })]);
    const [steps, ca, cb] = aligned([a, b], 'rl/correct');
    expect(steps).toEqual([1, 2, 3]);
    expect(ca).toEqual([0, 0.5, NaN]);
    expect(cb).toEqual([NaN, 1, 0]);
  });

  it('keeps the traces of the recent steps from events, and cuts back to a checkpoint', () => {
    const v = new RunView(runRecord('a'), []);
    for (let s = 1; s <= 15; s++)
      v.apply([{ type: 'traces', runId: 'a', traces: { step: s, G: 1, problems: [], traces: [] } }]);
    expect(v.traces.map((t) => t.step)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    v.apply([
      { type: 'metrics', runId: 'a', points: [point(14, { 'rl/correct': 1 })] },
      { type: 'metrics', runId: 'other', points: [point(1, {})] },
    ]);
    v.truncate(10);
    expect(v.traces.at(-1)?.step).toBe(10);
    expect(v.series.step).toEqual([]);
  });

  it('a run that stops while its stored data loads is shown stopped, with its error', async () => {
    const api = new FakeApi();
    let release = () => undefined as void;
    const gate = new Promise<void>((r) => (release = r));
    const stored = api.getMetrics.bind(api);
    api.getMetrics = async (id: string) => {
      await gate;
      return stored(id);
    };
    const rl = new RlState(api);
    const run = runRecord('a', { kind: 'midtrain', status: 'running' });
    const shown = rl.show([run]);
    rl.apply([{ type: 'run', run: { ...run, status: 'stopped', error: 'The judge cannot grade: HTTP 401' } }]);
    release();
    await shown;
    expect(rl.views[0].run).toMatchObject({ status: 'stopped', error: 'The judge cannot grade: HTTP 401' });
  });

  it('colours advantages on a symmetric diverging scale: blue above 0, vermillion below, white at 0', () => {
    expect(advColor(0, 1)).toBe('rgb(255, 255, 255)');
    expect(advColor(1, 1)).toBe('rgb(0, 114, 178)');
    expect(advColor(-1, 1)).toBe('rgb(213, 94, 0)');
    expect(advColor(-5, 1)).toBe(advColor(-1, 1)); // clamped
    const set: TraceSet = {
      step: 1,
      G: 2,
      problems: [],
      traces: [trace('A: 1', [0.2, -0.7, 0, 0, 0]), trace('A: 2', [0.1, 0, 0, 0, 0])],
    };
    expect(scaleOf(set)).toBeCloseTo(0.7);
  });

  it('reads a trace: tokens with their advantages, segments with verdicts, why tokens are grey', () => {
    const response = '### 2+3=5\n### 5*2=10\nA: 10';
    const t = trace(response, [...response].map((_, i) => (i < 10 ? 0.25 : -0.5)).concat([-0.5]), {
      detail: {
        segments: [
          { text: '### 2+3=5\n', start: 0, verdict: { k: 5, reward: 1, status: 'ok', rationale: 'establishes 5' } },
          {
            text: '### 5*2=10\nA: 10',
            start: 10,
            verdict: { k: 2, reward: 0.25, status: 'ok', rationale: 'off track' },
          },
        ],
      },
      score: { kind: 'process', segmentStarts: [0, 10], scores: [1, 0.25] },
    });
    const v = inspect(t);
    expect(v.tokens.map((x) => x.text).join('')).toBe('### 2+3=5⏎### 5*2=10⏎A: 10EOS');
    expect(v.tokens[0]).toMatchObject({ adv: 0.25, segment: 0, masked: false });
    expect(v.tokens[12]).toMatchObject({ adv: -0.5, segment: 1 });
    expect(v.segments.map((s) => [s.k, s.tokens])).toEqual([
      [5, [0, 9]],
      [2, [10, response.length]],
    ]);
    expect(v.extracted).toBe('10');
    expect(v.maskedReason).toBeUndefined();
    expect(inspect({ ...t, mask: t.mask.map(() => 0) }).maskedReason).toMatch(/did not parse/);
    expect(inspect({ ...t, truncated: true, advantages: t.advantages.map(() => 0) }).maskedReason).toMatch(
      /length limit/,
    );
  });

  it('shows the cause and message of each failed grade, never "did not parse" with an empty rationale', () => {
    const line =
      'the server answered 401 (unauthorized) for http://127.0.0.1:9/v1/chat/completions (server: "bad key"): check the API key';
    const http401: VerdictDetail = {
      k: null,
      reward: null,
      status: 'error',
      rationale: '',
      cause: 'http-401',
      error: line,
    };
    const rubric: VerdictDetail = {
      k: null,
      reward: null,
      status: 'error',
      rationale: '',
      cause: 'rubric',
      error: 'rubric: no "Checkpoint 1:" line in the reply',
    };
    const noScore: VerdictDetail = {
      k: null,
      reward: null,
      status: 'no-score',
      rationale: 'I will not commit.',
      cause: 'no-score',
      error: 'no-score',
    };
    const response = '### 2+3=5\nA: 5';
    const masked = (detail: TraceRecord['detail']) =>
      trace(response, [...response].map(() => 0).concat([0]), {
        detail,
        mask: [...response].map(() => 0).concat([0]),
        dense: null,
      });

    const outcome = inspect(masked({ outcome: http401, measured: http401 }));
    expect(outcome.outcome?.failure).toBe(`HTTP 401 (unauthorized) — ${line}`);
    expect(outcome.maskedReason).toBe(
      `dropped from the loss, neither rewarded nor punished: the judge could not grade it (HTTP 401 (unauthorized) — ${line})`,
    );

    const process = inspect(
      masked({
        segments: [
          { text: '### 2+3=5\n', start: 0, verdict: rubric },
          { text: 'A: 5', start: 10, verdict: rubric },
        ],
        measured: noScore,
      }),
    );
    expect(process.segments.map((x) => x.failure)).toEqual([
      'rubric failed — no "Checkpoint 1:" line in the reply',
      'rubric failed — no "Checkpoint 1:" line in the reply',
    ]);
    expect(process.maskedReason).toMatch(
      /could not grade it \(rubric failed — no "Checkpoint 1:" line in the reply\)$/,
    ); // each cause once
    expect(process.measured).toEqual({ k: null, reward: null, rationale: 'I will not commit.', failure: 'no score' });

    // Traces stored before verdicts carried a cause still name their status.
    expect(failureOf({ status: 'no-score' })).toBe('no score');
    expect(failureOf({ status: 'ok' })).toBeUndefined();
    expect([causeName('timeout'), causeName('http-503'), causeName('http-418'), causeName('fatal')]).toEqual([
      'timeout',
      'HTTP 503 (server error)',
      'HTTP 418',
      'not sent: the judge had stopped',
    ]);
  });
});

describe('forms', () => {
  it('the judge form refuses a bad URL, model or number beside its field', () => {
    expect(parseJudge(DEFAULT_JUDGE_FIELDS).judge).toEqual(judge);
    const llm = { ...DEFAULT_JUDGE_FIELDS, kind: 'llm' as const };
    expect(parseJudge(llm).judge).toMatchObject({ kind: 'llm', baseUrl: 'http://127.0.0.1:11434/v1', concurrency: 4 });
    expect(parseJudge({ ...llm, baseUrl: 'localhost:11434' }).errors.baseUrl).toMatch(/http/);
    expect(parseJudge({ ...llm, baseUrl: 'http://h/v1/chat/completions' }).errors.baseUrl).toMatch(/Leave out/);
    expect(parseJudge({ ...llm, model: ' ' }).errors.model).toMatch(/Name the model/);
    expect(parseJudge({ ...llm, concurrency: '1.5' }).errors.concurrency).toMatch(/whole number/);
    expect(parseJudge({ ...DEFAULT_JUDGE_FIELDS, errorRate: '2' }).errors.errorRate).toMatch(/from 0 to 1/);
  });

  it('the rubric mode of the judge settings goes into the run setup (never the key)', async () => {
    const api = new FakeApi();
    const j = new JudgeForm(api);
    j.set({ kind: 'llm', rubric: 'implicit' });
    j.keyText = 'sk-test-0123456789abcdefgh';
    await j.applyKey();
    expect(j.result.judge).toMatchObject({ kind: 'llm', rubric: 'implicit' });
    const { setup } = parseRl(rlFieldsFor('demo', 'outcome'), [], j.result.judge!);
    expect(setup?.judge.rubric).toBe('implicit');
    expect(JSON.stringify(setup)).not.toMatch(/sk-test/);
    expect(parseJudge({ ...DEFAULT_JUDGE_FIELDS, rubric: 'both' as 'explicit' }).errors.rubric).toMatch(
      /explicit or implicit/,
    );
    expect(parseRl(rlFieldsFor(), [], { ...judge, rubric: 'both' as 'explicit' }).errors.judge).toMatch(
      /Unknown rubric mode/,
    );
  });

  it('the key goes to the worker; it is written to this device only when asked', async () => {
    const api = new FakeApi();
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    };
    const j = new JudgeForm(api, storage);
    j.keyText = 'sk-test-0123456789abcdefgh';
    await j.applyKey();
    expect(api.judgeKey).toBe('sk-test-0123456789abcdefgh');
    expect([...store.values()].some((v) => v.includes('sk-test'))).toBe(false);
    j.setKeep(true);
    expect(store.get('exprl:judge-key')).toBe('sk-test-0123456789abcdefgh');
    j.setKeep(false);
    expect(store.has('exprl:judge-key')).toBe(false);
  });

  it('the RL form builds a setup of any arm and stage, and refuses what the worker would', () => {
    const runs = [runRecord('s1', { name: 'stage one' })];
    const ok = parseRl({ ...rlFieldsFor('demo', 'outcome'), steps: '3' }, runs, judge);
    expect(ok.setup).toMatchObject({
      arm: 'outcome',
      stage: 'stage1',
      start: { kind: 'shipped' },
      options: { arms: ['outcome'], stageI: { steps: 3 } },
    });
    const s2 = parseRl({ ...rlFieldsFor('demo', 'process', 'stage2'), start: 's1' }, runs, judge);
    expect(s2.setup).toMatchObject({
      stage: 'stage2',
      start: { kind: 'run', runId: 's1', runName: 'stage one' },
      options: { stageII: { steps: PRESETS.demo.stageI.steps } },
    });
    expect(parseRl(rlFieldsFor('demo', 'process', 'stage2'), runs, judge).errors.start).toMatch(/Stage I run/);
    expect(parseRl(rlFieldsFor('demo', 'base'), runs, judge).errors.arm).toMatch(/no Stage I/);
    expect(parseRl({ ...rlFieldsFor(), groupSize: '1' }, runs, judge).errors.groupSize).toMatch(/from 2/);
    expect(parseRl({ ...rlFieldsFor(), start: 'gone' }, runs, judge).errors.start).toMatch(/no longer/);
  });
});

describe('replay and results', () => {
  it('plays a recorded file back step by step, ending with the recorded evaluation', async () => {
    const run = runRecord('r', {
      kind: 'midtrain',
      totalSteps: 2,
      status: 'done',
      evaluation: {
        n: 1,
        k: 1,
        temperature: 0.8,
        perProblem: [],
        passAt1: 0.25,
        passAtK: 0.5,
        judgeScore: null,
        judgeFailures: 0,
        meanLength: 3,
        examples: [],
      },
    });
    const file = {
      schema: REPLAY_SCHEMA,
      recordedAt: '2026-01-01T00:00:00Z',
      adapter: 'test',
      runs: [
        { run, metrics: [point(1, { 'rl/dense_reward': 0.1 }), point(2, { 'rl/dense_reward': 0.3 })], previews: [] },
      ],
    };
    const r = new Replay(async () => file, 1);
    await r.play();
    expect(r.rl.views[0].run.evaluation).toBeUndefined();
    await new Promise<void>((ok) => {
      const t = setInterval(() => {
        if (!r.playing) {
          clearInterval(t);
          ok();
        }
      }, 2);
    });
    expect(r.rl.views[0].series.values['rl/dense_reward']).toEqual([0.1, 0.3]);
    expect(r.rl.views[0].run.evaluation?.passAt1).toBe(0.25);
    const bad = new Replay(async () => ({ schema: 'x' }));
    await bad.load();
    expect(bad.error).toMatch(/not a replay file/);
  });

  it('shows a results file: pass@1 / pass@k per arm and stage with intervals over seeds', async () => {
    const cell = (arm: string, seed: number, p1: number) => ({
      arm,
      stage: 'stage1',
      seed,
      status: 'done',
      steps: 2,
      trainSeconds: 1,
      evalSeconds: 1,
      curve: [point(1, { 'rl/correct': p1 })],
      eval: {
        n: 2,
        k: 2,
        temperature: 0.8,
        perProblem: [],
        passAt1: p1,
        passAtK: p1 + 0.1,
        judgeScore: 0.5,
        judgeFailures: 0,
        meanLength: 5,
        examples: [],
      },
    });
    const file = {
      schema: RESULTS_SCHEMA,
      name: 'x',
      preset: 'smoke',
      command: 'c',
      createdAt: '',
      updatedAt: '',
      complete: true,
      wallSeconds: 60,
      adapter: 'a',
      options: { ...PRESETS.smoke, seeds: [1, 2], stageII: { ...PRESETS.smoke.stageII, steps: 0 } },
      arms: [
        { id: 'grpo', label: 'Sparse GRPO', stageI: 'rl', why: '' },
        { id: 'process', label: 'ExpRL-Process', stageI: 'rl', why: '' },
      ],
      cells: [cell('grpo', 1, 0.1), cell('grpo', 2, 0.3), cell('process', 1, 0.5)],
    };
    const v = new ResultsView();
    await v.open(new File([JSON.stringify(file)], 'results.json'));
    expect(v.error).toBeUndefined();
    expect(v.rows.map((r) => [r.arm, r.cells[0].seeds, r.cells[0].p1.mean])).toEqual([
      ['grpo', 2, 0.2],
      ['process', 1, 0.5],
    ]);
    expect(v.bars('stage1')[0].p1Half).toBeGreaterThan(0);
    expect(v.curves.views.map((x) => x.arm)).toEqual(['grpo', 'process']);
    await v.open(new File(['{"schema": "other"}'], 'other.json'));
    expect(v.error).toMatch(/other.json cannot be shown: not a results file/);
  });
});
