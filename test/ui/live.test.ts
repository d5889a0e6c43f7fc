// The live view's state: merging metric points (including steps redone after a resume from an
// older checkpoint), stored history with duplicates, time left, and worker events of other runs.
import { describe, expect, it } from 'vitest';
import {
  EMA,
  PretrainView,
  emaOf,
  emptySeries,
  etaSeconds,
  generationsNote,
  mergePoints,
  robustMax,
  seriesFrom,
  setupSummary,
} from '../../src/ui/state/live.svelte';
import { defaultSetup } from '../../src/run/pretrain-setup';
import type { MetricPoint, RunRecord } from '../../src/store/records';
import type { WorkerEvent } from '../../src/worker/api';

const pt = (step: number, loss: number, time = step * 1000): MetricPoint => ({
  step,
  time,
  values: { 'pretrain/loss': loss, 'pretrain/tokens_per_s': 100 * step, 'pretrain/ms_per_step': 10 },
});

function run(id: string, patch: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    name: id,
    kind: 'pretrain',
    createdAt: 0,
    updatedAt: 0,
    status: 'running',
    config: {},
    step: 0,
    totalSteps: 10,
    ...patch,
  };
}

describe('live series', () => {
  it('appends in order and smooths the loss', () => {
    const s = emptySeries();
    mergePoints(s, [pt(1, 4), pt(2, 2)]);
    expect(s.step).toEqual([1, 2]);
    expect(s.values['pretrain/loss']).toEqual([4, 2]);
    expect(s.values[emaOf('pretrain/loss')][0]).toBe(4);
    expect(s.values[emaOf('pretrain/loss')][1]).toBeCloseTo(EMA * 4 + (1 - EMA) * 2, 10);
    expect(s.values['pretrain/tokens_per_s']).toEqual([100, 200]);
  });

  it('a step not after the last one cuts the series back (resume from an older checkpoint)', () => {
    const s = emptySeries();
    mergePoints(
      s,
      [1, 2, 3, 4, 5].map((i) => pt(i, 5 - i)),
    );
    mergePoints(s, [pt(3, 9), pt(4, 8)]);
    expect(s.step).toEqual([1, 2, 3, 4]);
    expect(s.values['pretrain/loss']).toEqual([4, 3, 9, 8]);
    expect([s.step, s.time, ...Object.values(s.values)].every((a) => a.length === 4)).toBe(true);
  });

  it('keys series by metric name: a metric missing from a point is NaN there, older stored names read as current ones', () => {
    const s = emptySeries();
    mergePoints(s, [
      { step: 1, time: 1, values: { 'train/loss': 3 } },
      { step: 2, time: 2, values: { 'pretrain/loss': 2, 'rl/reward': 0.5 } },
    ]);
    expect(s.values['pretrain/loss']).toEqual([3, 2]);
    expect(s.values['rl/reward']).toEqual([NaN, 0.5]);
    expect(s.values['train/loss']).toBeUndefined();
  });

  it('stored history with a step recorded twice keeps the newer one (time order wins)', () => {
    const stored = [pt(1, 4, 1), pt(2, 3, 2), pt(2, 2.5, 5), pt(3, 2, 3), pt(3, 1.5, 6)]; // sorted by step, as the store returns
    const s = seriesFrom(stored);
    expect(s.step).toEqual([1, 2, 3]);
    expect(s.values['pretrain/loss']).toEqual([4, 2.5, 1.5]);
  });

  it('time left comes from recent wall time per step', () => {
    const s = emptySeries();
    expect(etaSeconds(s, 10)).toBeUndefined();
    mergePoints(s, [pt(1, 1, 0)]);
    expect(etaSeconds(s, 10)).toBeUndefined();
    mergePoints(s, [pt(2, 1, 500), pt(3, 1, 1000)]); // 0.5 s per step
    expect(etaSeconds(s, 10)).toBeCloseTo(3.5, 10);
    expect(etaSeconds(s, 3)).toBe(0);
  });
});

describe('PretrainView', () => {
  it('applies events of its run only, and tracks progress, samples and checkpoints', () => {
    const live = new PretrainView();
    live.show(run('a'), [pt(1, 4)]);
    const v0 = live.version;
    const events: WorkerEvent[] = [
      { type: 'metrics', runId: 'b', points: [pt(7, 0)] },
      { type: 'metrics', runId: 'a', points: [pt(2, 3), pt(3, 2)] },
      {
        type: 'samples',
        runId: 'a',
        step: 3,
        temperature: 0.8,
        samples: [{ prompt: '1+1=', greedy: '2', sampled: '3' }],
      },
      { type: 'samples', runId: 'b', step: 3, temperature: 0.8, samples: [] },
      { type: 'checkpoint', runId: 'a', step: 3, kind: 'latest' },
      { type: 'run', run: run('a', { status: 'paused', step: 3 }) },
      { type: 'run', run: run('b', { status: 'done' }) },
    ];
    live.apply(events);
    expect(live.version).toBe(v0 + 1);
    expect(live.step).toBe(3);
    expect(live.total).toBe(10);
    expect(live.fraction).toBeCloseTo(0.3, 10);
    expect(live.run?.status).toBe('paused');
    expect(live.checkpointStep).toBe(3);
    expect(live.samples).toHaveLength(1);
    expect(live.samples[0].samples[0].greedy).toBe('2');
    expect(live.latest('pretrain/loss')).toBe(2);
    expect(live.recentMean('pretrain/tokens_per_s', 2)).toBe(250);
  });

  it('keeps the four newest sample sets, newest first', () => {
    const live = new PretrainView();
    live.show(run('a'), []);
    for (let s = 1; s <= 6; s++) live.apply([{ type: 'samples', runId: 'a', step: s, temperature: 1, samples: [] }]);
    expect(live.samples.map((x) => x.step)).toEqual([6, 5, 4, 3]);
  });

  it('adds stored history that arrives after live points', () => {
    const live = new PretrainView();
    live.show(run('a'), []);
    live.apply([{ type: 'metrics', runId: 'a', points: [pt(4, 1, 4000), pt(5, 0.5, 5000)] }]);
    live.addHistory([pt(1, 4, 1000), pt(2, 3, 2000), pt(3, 2, 3000), pt(4, 1, 4000)]);
    expect(live.series.step).toEqual([1, 2, 3, 4, 5]);
    expect(live.series.values['pretrain/loss']).toEqual([4, 3, 2, 1, 0.5]);
  });

  it('clear() forgets the run', () => {
    const live = new PretrainView();
    live.show(run('a'), [pt(1, 1)]);
    live.clear();
    expect(live.run).toBeUndefined();
    expect(live.step).toBe(0);
    expect(live.series.step).toEqual([]);
  });
});

describe('live view texts and axes', () => {
  it('says what a run trains, for both corpora, and nothing for a foreign config', () => {
    const facts = { ...defaultSetup('tiny'), pretrain: { ...defaultSetup('tiny').pretrain, seed: 7 } };
    expect(setupSummary(run('a', { config: facts as unknown as Record<string, unknown> }))).toBe(
      'tiny model · built-in arithmetic facts · batch 16 × 64 tokens · lr 0.003 · seed 7',
    );
    const tasks = defaultSetup('small', {
      corpus: 'task-primitives',
      tasks: { families: ['chain', 'carry'], count: 10, seed: 1 },
    });
    expect(setupSummary(run('b', { config: tasks as unknown as Record<string, unknown> }))).toMatch(
      /^small model · task primitives \(chain, carry\) · batch 16 × \d+ tokens/,
    );
    expect(setupSummary(run('c'))).toBeUndefined();
  });

  it('the empty generations panel says when they come, or why they do not', () => {
    const cfg = (sampleEvery: number) =>
      ({ ...defaultSetup('tiny'), sampleEvery }) as unknown as Record<string, unknown>;
    expect(generationsNote(run('a', { config: cfg(10) }))).toMatch(/every 10 steps.*after step 10/);
    expect(generationsNote(run('a', { config: cfg(0) }))).toMatch(/off for this run/);
    expect(generationsNote(run('a', { status: 'done', config: cfg(10) }))).toMatch(/kept no generations/);
    expect(generationsNote(undefined)).toMatch(/while a run trains/);
  });

  it('the throughput axis tops out below rare spikes (shader compilation) but follows a real change', () => {
    const steady = Array.from({ length: 40 }, (_, i) => 20 + (i % 3));
    expect(robustMax([1500, ...steady, 1400])).toBeCloseTo(1.5 * 22, 10);
    expect(robustMax([...steady.slice(0, 20), ...steady.slice(0, 20).map((v) => v * 10)])).toBe(220);
    expect(robustMax([5, null, NaN, 3])).toBe(5);
    expect(robustMax([])).toBeUndefined();
  });
});
