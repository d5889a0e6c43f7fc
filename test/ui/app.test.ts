// The page controller against a scripted worker: the capability check decides what is shown, the
// newest run is shown after a reload, commands reach the worker, events update the live view and
// the library, worker errors (a full disk, a lost device) become notices, and refusals are explained.
import { describe, expect, it } from 'vitest';
import { AppState } from '../../src/ui/state/app-state.svelte';
import type { MetricPoint } from '../../src/store/records';
import { defaultSetup } from '../../src/run/pretrain-setup';
import { FakeApi, runRecord } from './fake-api';

const pt = (step: number, loss: number): MetricPoint => ({ step, time: step, values: { 'train/loss': loss } });
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('AppState', () => {
  it('without WebGPU it stops after the capability check', async () => {
    const api = new FakeApi();
    api.caps = { ok: false, reason: 'no-adapter', message: 'none' };
    const app = new AppState(api);
    await app.init(true);
    expect(app.capability.status).toBe('unsupported');
    expect(api.calls).toEqual(['connect', 'probe']);
  });

  it('after a reload it lists the runs and shows the newest one with its metrics', async () => {
    const api = new FakeApi();
    api.runs = [runRecord('new', { status: 'interrupted', step: 3 }), runRecord('old')];
    api.metrics.set('new', [pt(1, 4), pt(2, 3), pt(3, 2)]);
    api.checkpoints.set('new', 2);
    const app = new AppState(api);
    await app.init(true);
    expect(app.capability.status).toBe('ready');
    expect(app.library.runs).toHaveLength(2);
    expect(app.live.run?.id).toBe('new');
    expect(app.live.series.values['pretrain/loss']).toEqual([4, 3, 2]);
    expect(app.live.checkpointStep).toBe(2);
    expect(app.prefs.tab).toBe('demo');
  });

  it('start sends the parsed setup; events then drive the live view', async () => {
    const api = new FakeApi();
    const app = new AppState(api);
    await app.init(true);
    app.setup.fields.steps = '12';
    await app.start();
    expect(api.calls).toContain('start(12)');
    const id = app.live.run!.id;
    expect(app.trainingId).toBe(id);
    api.emit([{ type: 'metrics', runId: id, points: [pt(1, 4), pt(2, 3.5)] }]);
    expect(app.live.step).toBe(2);
    api.emit([{ type: 'run', run: { ...app.live.run!, status: 'paused' } }]);
    expect(app.trainingId).toBeUndefined();
    await settle();
    expect(app.library.runs.map((r) => r.id)).toContain(id); // the 'library' event refreshed the list
  });

  it('an invalid form starts nothing', async () => {
    const api = new FakeApi();
    const app = new AppState(api);
    await app.init(true);
    app.setup.fields.lr = '-1';
    await app.start();
    expect(api.calls.some((c) => c.startsWith('start'))).toBe(false);
  });

  it('resume opens a stored run before asking the worker, and moves to the Train tab', async () => {
    const api = new FakeApi();
    api.runs = [runRecord('a'), runRecord('b', { status: 'stopped' })];
    api.metrics.set('b', [pt(1, 5)]);
    const app = new AppState(api);
    await app.init(true);
    app.prefs.tab = 'runs';
    await app.resume('b');
    expect(api.calls.slice(-3)).toEqual(['getMetrics(b)', 'getPreviews(b)', 'resume(b)']);
    expect(app.live.run?.id).toBe('b');
    expect(app.prefs.tab).toBe('train');
    expect(app.pending).toBeUndefined();
  });

  it('a run that starts training while another is shown becomes the live one, with its history', async () => {
    const api = new FakeApi();
    api.runs = [runRecord('a'), runRecord('b')];
    api.metrics.set('b', [pt(1, 5), pt(2, 4)]);
    const app = new AppState(api);
    await app.init(true);
    expect(app.live.run?.id).toBe('a');
    api.emit([
      { type: 'run', run: runRecord('b', { status: 'running', step: 2 }) },
      { type: 'metrics', runId: 'b', points: [pt(3, 3)] },
    ]);
    expect(app.live.run?.id).toBe('b');
    await settle();
    expect(app.live.series.step).toEqual([1, 2, 3]);
  });

  it('opening another run while one trains keeps it open; the training run stays known', async () => {
    const api = new FakeApi();
    api.runs = [runRecord('a'), runRecord('old')];
    const app = new AppState(api);
    await app.init(true);
    api.emit([{ type: 'run', run: runRecord('a', { status: 'running', step: 1 }) }]);
    await app.open('old');
    api.emit([{ type: 'run', run: runRecord('a', { status: 'running', step: 2 }) }]); // a periodic update
    expect(app.live.run?.id).toBe('old');
    expect(app.trainingId).toBe('a');
    api.emit([{ type: 'run', run: runRecord('a', { status: 'paused', step: 2 }) }]);
    expect(app.trainingId).toBeUndefined();
  });

  it('worker errors become notices: storage full, device lost', async () => {
    const api = new FakeApi();
    const app = new AppState(api);
    await app.init(true);
    api.emit([{ type: 'error', runId: 'x', kind: 'quota', message: 'Browser storage is full: the run is paused.' }]);
    api.emit([{ type: 'error', runId: 'x', kind: 'device-lost', message: 'lost' }]);
    expect(app.notices.list.map((n) => [n.level, n.title])).toEqual([
      ['warning', 'Browser storage is full'],
      ['warning', 'The GPU device was lost'],
    ]);
  });

  it('a device-lost notice goes away once the run trains again, and stays gone when it finishes', async () => {
    const api = new FakeApi();
    api.runs = [runRecord('a', { status: 'running', step: 3 })];
    const app = new AppState(api);
    await app.init(true);
    api.emit([
      { type: 'error', runId: 'a', kind: 'device-lost', message: 'The GPU device was lost.' },
      { type: 'run', run: runRecord('a', { status: 'interrupted', step: 3 }) },
    ]);
    expect(app.notices.list.map((n) => n.title)).toEqual(['The GPU device was lost']);
    await app.resume('a');
    api.emit([{ type: 'run', run: runRecord('a', { status: 'running', step: 2 }) }]);
    expect(app.notices.list).toEqual([]);
    api.emit([{ type: 'run', run: runRecord('a', { status: 'done', step: 10 }) }]);
    expect(app.notices.list).toEqual([]);
  });

  it('a command that fails and then succeeds leaves no stale failure; deleting a run drops its notices', async () => {
    const api = new FakeApi();
    api.runs = [runRecord('a', { status: 'stopped' })];
    const app = new AppState(api);
    await app.init(true);
    api.failNext.set('resume', new Error('busy'));
    await app.resume('a');
    expect(app.notices.list.map((n) => n.title)).toEqual(['Could not resume the run']);
    await app.resume('a');
    expect(app.notices.list).toEqual([]);
    api.emit([{ type: 'error', runId: 'a', kind: 'quota', message: 'full' }]);
    await app.remove('a');
    expect(app.notices.list).toEqual([]);
  });

  it('a refused command is explained, and the pending mark is cleared', async () => {
    const api = new FakeApi();
    api.runs = [runRecord('a', { status: 'stopped' })];
    const app = new AppState(api);
    await app.init(true);
    api.failNext.set('resume', new Error('this run has no checkpoint yet'));
    await app.resume('a');
    expect(app.notices.list.at(-1)).toMatchObject({
      title: 'Could not resume the run',
      message: 'this run has no checkpoint yet',
    });
    expect(app.pending).toBeUndefined();
  });

  it("the shown run's settings can be copied into the setup form, corpus and families included", async () => {
    const api = new FakeApi();
    const setup = defaultSetup('small', {
      corpus: 'task-primitives',
      tasks: { families: ['carry'], count: 4000, seed: 1 },
    });
    api.runs = [
      runRecord('a', { name: 'mine', config: { ...setup, name: 'mine' } as unknown as Record<string, unknown> }),
      runRecord('b'),
    ];
    const app = new AppState(api);
    await app.init(true);
    expect(app.reuseSettings()).toBe(true);
    expect(app.setup.fields).toMatchObject({
      name: '',
      preset: 'small',
      corpus: 'task-primitives',
      families: ['carry'],
    });
    expect(app.setup.result.setup).toEqual({ ...setup, name: '' });
    await app.open('b');
    expect(app.reuseSettings()).toBe(false); // a record without a pre-training setup
  });

  it('deleting the shown run clears the live view', async () => {
    const api = new FakeApi();
    api.runs = [runRecord('a')];
    const app = new AppState(api);
    await app.init(true);
    await app.remove('a');
    expect(app.live.run).toBeUndefined();
    expect(app.library.runs).toEqual([]);
  });

  it('a worker that fails to load is explained instead of waiting forever', () => {
    const app = new AppState(new FakeApi());
    app.workerFailed('SyntaxError in trainer.worker.js');
    expect(app.capability.status).toBe('unsupported');
    expect(app.capability.caps).toMatchObject({ ok: false, reason: 'device-failed' });
    app.workerFailed('again');
    expect(app.notices.list).toHaveLength(1);
  });
});
