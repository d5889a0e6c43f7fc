// The worker-side run loop on a real WebGPU device (SwiftShader without a GPU) and an IndexedDB store
// (fake-indexeddb): a run to the end, pause/resume/stop with a step in flight, a full disk that pauses
// the run and loses nothing, a lost device that leaves the run resumable, and a reload that resumes
// from the stored checkpoint, a run on the task families' corpus, and a time estimate that gives way
// to a run started while it waits. Tiny model and few steps:
// SwiftShader is slow.

import 'fake-indexeddb/auto';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireGpu } from '../../src/gpu/device';
import { openStore } from '../../src/store/db';
import type { Store } from '../../src/store/store';
import { QuotaExceededStoreError } from '../../src/store/records';
import { builtinCorpus } from '../../src/tasks/facts';
import { ESTIMATE_YIELDED, type PretrainSetup, type WorkerEvent } from '../../src/worker/api';
import { demoSetups } from '../../src/worker/rl-setup';
import { corpusTexts, longestExampleTokens, samplePrompts } from '../../src/run/corpus';
import { until } from '../helpers/worker-session';
import { Session, type SessionDeps } from '../../src/worker/session';
import { defaultSetup } from '../../src/run/pretrain-setup';

const corpus = builtinCorpus({ count: 200, maxOperand: 20, seed: 3 });
const opened: Store[] = [];
let dbCount = 0;

/** A session on its own database; `full()` makes every store write fail as on a full disk. */
function harness(dbName = `session-test-${++dbCount}`, texts: SessionDeps['corpus'] = () => corpus) {
  let diskFull = false;
  const guard = <T>(fn: () => Promise<T>): Promise<T> =>
    diskFull ? Promise.reject(new QuotaExceededStoreError('test write')) : fn();
  const deps: SessionDeps = {
    openStore: async () => {
      const store = await openStore(dbName);
      opened.push(store);
      return new Proxy(store, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver);
          if (typeof v !== 'function') return v;
          const writes = ['createRun', 'updateRun', 'appendMetrics', 'putCheckpoint', 'truncateMetrics', 'importRun'];
          return writes.includes(String(prop)) ? (...a: unknown[]) => guard(() => v.apply(target, a)) : v.bind(target);
        },
      });
    },
    acquireGpu,
    corpus: texts,
  };
  const session = new Session(deps);
  const events: WorkerEvent[] = [];
  void session.connect((batch) => void events.push(...batch));
  return { session, events, dbName, setFull: (on: boolean) => (diskFull = on) };
}

function setup(steps: number, patch: Partial<PretrainSetup> = {}): PretrainSetup {
  const s = defaultSetup('tiny');
  return {
    ...s,
    name: 'test',
    sampleEvery: 0,
    checkpointEvery: 2,
    ...patch,
    pretrain: { ...s.pretrain, steps, batchSize: 2, seqLength: 24, warmupSteps: 1 },
  };
}

const steps = (events: WorkerEvent[], runId: string) =>
  events.flatMap((e) => (e.type === 'metrics' && e.runId === runId ? e.points.map((p) => p.step) : []));
const lastStatus = (events: WorkerEvent[], runId: string) =>
  events
    .filter((e) => e.type === 'run' && e.run.id === runId)
    .map((e) => (e.type === 'run' ? e.run.status : ''))
    .at(-1);

afterAll(() => opened.forEach((s) => s.close()));

describe('samplePrompts', () => {
  it('cuts examples after their first "=" (or halfway)', () => {
    expect(samplePrompts(['### 1+2=3', '### 4*5=20', 'abcdef'], 3)).toEqual(['### 1+2=', '### 4*5=', 'abc']);
    expect(samplePrompts([], 3)).toEqual([]);
  });
});

describe('Session', () => {
  it('trains a run to the end: every step logged, generations, checkpoints, status done', async () => {
    const { session, events } = harness();
    const run = await session.start(setup(6, { sampleEvery: 3 }));
    expect(run.status).toBe('running');
    await until('done', () => lastStatus(events, run.id) === 'done');
    expect(steps(events, run.id)).toEqual([1, 2, 3, 4, 5, 6]);
    const samples = events.filter((e) => e.type === 'samples');
    expect(samples.map((e) => e.type === 'samples' && e.step)).toEqual([3, 6]);
    for (const e of samples)
      if (e.type === 'samples')
        expect(e.samples.every((s) => typeof s.greedy === 'string' && typeof s.sampled === 'string')).toBe(true);
    const cps = events.flatMap((e) => (e.type === 'checkpoint' ? [`${e.kind}@${e.step}`] : []));
    expect(cps).toEqual(['latest@2', 'latest@4', 'latest@6', 'periodic@6']);
    const stored = await session.getMetrics(run.id);
    expect(stored.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(
      stored.every((p) => Number.isFinite(p.values['pretrain/loss']) && p.values['pretrain/tokens_per_s'] > 0),
    ).toBe(true);
    expect((await session.latestCheckpoint(run.id))?.step).toBe(6);
    expect((await session.listRuns())[0]).toMatchObject({ id: run.id, status: 'done', step: 6 });
    await expect(session.resume(run.id)).rejects.toThrow(/finished all its steps/);
  });

  it('pause lets the step in flight finish and checkpoints; resume continues; stop ends the run', async () => {
    const { session, events } = harness();
    const run = await session.start(setup(200));
    await until('two steps', () => steps(events, run.id).length >= 2);
    await session.pause();
    const pausedAt = (await session.listRuns())[0];
    expect(pausedAt.status).toBe('paused');
    expect((await session.latestCheckpoint(run.id))?.step).toBe(pausedAt.step);
    const n = steps(events, run.id).length;
    expect(n).toBe(pausedAt.step);
    await new Promise((r) => setTimeout(r, 300));
    expect(steps(events, run.id).length).toBe(n);
    await expect(session.start(setup(5))).resolves.toBeDefined(); // a paused run gives the GPU up to a new one
    await session.stop();
    await session.resume(run.id); // back from its checkpoint
    await until('more steps', () => steps(events, run.id).length >= n + 2);
    await expect(session.deleteRun(run.id)).rejects.toThrow(/stop it before deleting/);
    await session.stop();
    const stopped = (await session.listRuns()).find((r) => r.id === run.id)!;
    expect(stopped.status).toBe('stopped');
    expect((await session.latestCheckpoint(run.id))?.step).toBe(stopped.step);
    const stored = (await session.getMetrics(run.id)).map((p) => p.step);
    expect(stored).toEqual(Array.from({ length: stopped.step }, (_, i) => i + 1));
  });

  it('a full disk pauses the run, says so once, and loses nothing', async () => {
    const h = harness();
    const run = await h.session.start(setup(200, { checkpointEvery: 3 }));
    await until('first step', () => steps(h.events, run.id).length >= 1);
    h.setFull(true);
    await until('paused', () => lastStatus(h.events, run.id) === 'paused');
    const quota = h.events.filter((e) => e.type === 'error' && e.kind === 'quota');
    expect(quota).toHaveLength(1);
    expect(quota[0].type === 'error' && quota[0].message).toMatch(/storage is full.*nothing|everything saved/i);
    const trained = steps(h.events, run.id);
    expect((await h.session.getMetrics(run.id)).map((p) => p.step)).toEqual(trained); // stored + still in memory
    await expect(h.session.stop()).rejects.toThrow(/still full.*stays paused/); // stopping would drop unsaved steps
    await expect(h.session.start(setup(5))).rejects.toThrow(/still full/);
    expect(lastStatus(h.events, run.id)).toBe('paused');
    h.setFull(false);
    await h.session.resume(run.id);
    await until('three more steps', () => steps(h.events, run.id).length >= trained.length + 3);
    await h.session.stop();
    const stored = (await h.session.getMetrics(run.id)).map((p) => p.step);
    expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
    expect((await h.session.latestCheckpoint(run.id))?.step).toBe(stored.length);
  });

  it('a lost device interrupts the run; it resumes from the last checkpoint on a new device', async () => {
    const h = harness();
    const run = await h.session.start(setup(200, { checkpointEvery: 2 }));
    await until('a checkpoint', () => h.events.some((e) => e.type === 'checkpoint' && e.runId === run.id));
    await h.session.loseDevice();
    await until('interrupted', () => lastStatus(h.events, run.id) === 'interrupted');
    expect(h.events.filter((e) => e.type === 'error').map((e) => e.type === 'error' && e.kind)).toEqual([
      'device-lost',
    ]);
    const ck = (await h.session.latestCheckpoint(run.id))!;
    const lost = h.events.find((e) => e.type === 'error');
    expect(lost?.type === 'error' && lost.message).toMatch(
      new RegExp(
        `^The GPU device was lost \\(.+\\)\\. "test" stopped at step \\d+: press Resume to continue from its checkpoint at step ${ck.step}( \\(the \\d+ steps after it are trained again\\))?\\.$`,
      ),
    );
    await h.session.resume(run.id);
    const resumed = h.events.length;
    await until('two steps after resume', () => steps(h.events.slice(resumed), run.id).length >= 2);
    expect(steps(h.events.slice(resumed), run.id)[0]).toBe(ck.step + 1);
    await h.session.stop();
    const stored = (await h.session.getMetrics(run.id)).map((p) => p.step);
    expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1)); // redone steps replaced, not duplicated
  });

  it('after a reload (a new session on the same database) the run resumes from its checkpoint', async () => {
    const a = harness('session-reload');
    const run = await a.session.start(setup(200, { checkpointEvery: 2 }));
    await until('two checkpoints', () => a.events.filter((e) => e.type === 'checkpoint').length >= 2);
    await a.session.pause();
    const ck = (await a.session.latestCheckpoint(run.id))!;
    await a.session.stop();
    const b = harness('session-reload');
    const listed = await b.session.listRuns();
    expect(listed.find((r) => r.id === run.id)?.status).toBe('stopped');
    await b.session.resume(run.id);
    await until('a step', () => steps(b.events, run.id).length >= 1);
    expect(steps(b.events, run.id)[0]).toBe(ck.step + 1);
    await b.session.stop();
  });

  it("trains on the task families' primitives: the setup is stored, generations answer task questions", async () => {
    const h = harness(undefined, corpusTexts);
    const tasks = { families: ['chain' as const, 'linear' as const], count: 60, seed: 1 };
    const short = setup(2, { corpus: 'task-primitives', tasks });
    await expect(h.session.start(short)).rejects.toThrow(/corpus: The longest document .* 24-token training sequence/);
    const s = setup(2, { corpus: 'task-primitives', tasks, sampleEvery: 2 });
    s.pretrain.seqLength = longestExampleTokens(s);
    const run = await h.session.start(s);
    await until('done', () => lastStatus(h.events, run.id) === 'done');
    const stored = (await h.session.listRuns()).find((r) => r.id === run.id)!;
    expect(stored.config).toMatchObject({
      corpus: 'task-primitives',
      tasks,
      pretrain: { seqLength: s.pretrain.seqLength },
    });
    expect(stored.name).toBe('test');
    const gen = h.events.find((e) => e.type === 'samples');
    expect(gen?.type === 'samples' && gen.samples.map((x) => x.prompt)).toEqual(samplePrompts(corpusTexts(s)));
    expect(gen?.type === 'samples' && gen.samples.every((x) => /^Q: .*\n$/.test(x.prompt))).toBe(true);
  });

  it('refuses what it cannot do, with reasons', async () => {
    const { session } = harness();
    const bad = setup(5);
    bad.pretrain.lr = 7;
    await expect(session.start(bad)).rejects.toThrow(/invalid run setup: lr/);
    await expect(session.resume('nope')).rejects.toThrow(/no longer exists/);
    const run = await session.start(setup(100));
    await expect(session.start(setup(5))).rejects.toThrow(/is training: pause or stop it first/);
    await expect(session.resume('other')).rejects.toThrow(/is training/);
    await session.stop();
    expect((await session.listRuns()).find((r) => r.id === run.id)?.status).toBe('stopped');
  });

  it('a time estimate gives way to a run started meanwhile: the run does not wait for it', async () => {
    const { session, events } = harness();
    const estimate = expect(session.estimateRl(demoSetups('estimate'))).rejects.toMatchObject({
      name: ESTIMATE_YIELDED,
    });
    const run = await session.start(setup(2));
    await estimate;
    await until('the run to finish', () => lastStatus(events, run.id) === 'done');
    expect(steps(events, run.id)).toEqual([1, 2]);
  });
});
