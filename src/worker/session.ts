// The worker-side run loop: owns the GPU device, the Pretrainer and every store write of a run, and
// implements TrainerApi (trainer.worker.ts only exposes it). One run trains at a time; a step in flight
// always finishes before a pause or stop takes effect; a lost device leaves the run resumable from its
// last checkpoint. Not UI code: it reports through batched events and never formats for display.

import { acquireGpu, NoAdapterError, type GpuHandle } from '../gpu/device';
import { Pretrainer } from '../model/trainer';
import { openStore } from '../store/db';
import { holdRunLock, liveRunIds } from '../store/locks';
import type { Store } from '../store/store';
import { QuotaExceededStoreError, type MetricPoint, type RunRecord } from '../store/types';
import { METRIC, PERIODIC_EVERY_N_CHECKPOINTS, setupOf, type Capabilities, type CheckpointBytes, type EventSink, type RunSetup, type Sample, type TrainerApi } from './api';
import { corpusTexts, samplePrompts, sampleTokens, type CorpusChoice } from '../run/corpus';
import { DeviceSlot, raceLost, type Device } from './device-slot';
import { EventBatcher } from './events';
import { assertSetup, autoName } from '../run/setup';

const METRICS_FLUSH_MS = 1000; // metrics reach the store at least this often while training
const SAMPLE_TEMPERATURE = 0.8;
const LOST_GRACE_MS = 1000; // how long a failed step waits to learn whether the device was lost

interface Active {
  run: RunRecord;
  setup: RunSetup;
  trainer: Pretrainer;
  want: 'run' | 'pause' | 'stop';
  loop?: Promise<void>; // set while the loop runs; undefined when paused in memory
  pending: MetricPoint[]; // metrics not yet in the store
  lastFlush: number;
  quotaHit: boolean;
  device: Device; // the device the trainer's buffers live on
  checkpointStep?: number; // step of the run's latest checkpoint in the store, when known
  releaseLock: () => void;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const sleep = (ms: number) => new Promise<undefined>((r) => setTimeout(() => r(undefined), ms));
const tick = () => sleep(0);

/** What a session needs from outside; the defaults are the browser's (tests pass their own store). */
export interface SessionDeps {
  openStore: () => Promise<Store>;
  acquireGpu: () => Promise<GpuHandle>;
  corpus: (choice: CorpusChoice) => string[]; // the documents of a run's corpus choice
}

const DEFAULT_DEPS: SessionDeps = { openStore: () => openStore(), acquireGpu, corpus: corpusTexts };

export class Session implements TrainerApi {
  private events = new EventBatcher();
  private storeP?: Promise<Store>;
  private devices: DeviceSlot;
  private active?: Active;
  private serial: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: SessionDeps = DEFAULT_DEPS) {
    this.devices = new DeviceSlot(deps.acquireGpu, (d, text) => {
      const a = this.active;
      if (a && a.device === d && !a.loop) void this.interrupt(a, text); // paused in memory: nothing in flight
    });
  }

  async connect(sink: EventSink): Promise<void> {
    this.events.connect(sink);
  }

  async probe(): Promise<Capabilities> {
    try {
      const { info } = (await this.devices.get()).handle;
      return { ok: true, adapterName: info.adapterName, isFallback: info.isFallback, hasF16: info.hasF16, limits: { ...info.limits } };
    } catch (e) {
      if (e instanceof NoAdapterError) return { ok: false, reason: 'no-adapter', message: e.message };
      const inBrowser = typeof navigator !== 'undefined' && typeof process === 'undefined';
      if (inBrowser && !navigator.gpu) return { ok: false, reason: 'no-webgpu', message: 'This browser does not expose WebGPU (navigator.gpu is missing).' };
      return { ok: false, reason: 'device-failed', message: message(e) };
    }
  }

  start(setup: RunSetup): Promise<RunRecord> {
    return this.exclusive(async () => {
      assertSetup(setup);
      await this.releasePaused();
      const store = await this.store();
      const device = await this.devices.get();
      const trainer = await Pretrainer.create(device.gpu, setup.pretrain, this.deps.corpus(setup));
      const config = { ...setup, name: setup.name.trim() || autoName(setup) };
      const run = await store
        .createRun({
          name: config.name,
          kind: 'pretrain',
          status: 'running',
          config: config as unknown as Record<string, unknown>,
          step: 0,
          totalSteps: setup.pretrain.steps,
          adapter: device.handle.info.adapterName,
        })
        .catch((e) => {
          trainer.destroy();
          throw e;
        });
      this.events.emit({ type: 'library' });
      this.begin(run, config, trainer, device);
      return run;
    });
  }

  pause(): Promise<void> {
    return this.exclusive(async () => {
      const a = this.active;
      if (!a?.loop) return;
      if (a.want === 'run') a.want = 'pause';
      await a.loop;
    });
  }

  stop(): Promise<void> {
    return this.exclusive(async () => {
      const a = this.active;
      if (!a) return;
      if (a.loop) {
        a.want = 'stop';
        await a.loop;
      } else {
        await this.ensureSaved(a);
        await this.finish(a, 'stopped');
      }
    });
  }

  resume(runId: string): Promise<void> {
    return this.exclusive(async () => {
      const a = this.active;
      if (a && a.run.id === runId && !a.loop) {
        a.want = 'run';
        a.run.error = undefined;
        await this.saveRun(a, { status: 'running', error: undefined });
        a.loop = this.loop(a);
        return;
      }
      if (a?.loop) throw new Error(`"${a.run.name}" is training: pause or stop it first`);
      await this.releasePaused();
      const store = await this.store();
      const run = await store.getRun(runId);
      if (!run) throw new Error('this run no longer exists (deleted, perhaps in another tab): reload the page to see the current list');
      const setup = setupOf(run);
      if (!setup) throw new Error('this run has no pre-training configuration to resume (it was not made by this page): start a new run instead');
      if (run.status === 'done') throw new Error('this run has finished all its steps: to train longer, start a new run with more steps');
      if ((await liveRunIds()).has(runId)) throw new Error('this run is training in another tab: pause it there, or close that tab, then resume it here');
      const ckpt = await store.getLatestCheckpoint(runId);
      if (!ckpt) throw new Error('this run has no checkpoint yet, so there is nothing to resume from: start it again from the Train tab');
      const device = await this.devices.get();
      const trainer = await Pretrainer.fromCheckpoint(device.gpu, ckpt.bytes, setup.pretrain, this.deps.corpus(setup));
      // Steps after the checkpoint are trained again: their old metrics would be duplicates.
      await store.truncateMetrics(runId, trainer.stepCount).catch((e) => {
        trainer.destroy();
        throw e;
      });
      this.begin({ ...run, step: trainer.stepCount }, setup, trainer, device);
    });
  }

  async listRuns(): Promise<RunRecord[]> {
    // Runs a closed or reloaded tab left 'running' were marked 'interrupted' when the store opened.
    return (await this.store()).listRuns();
  }

  async getMetrics(runId: string): Promise<MetricPoint[]> {
    const saved = await (await this.store()).getMetrics(runId);
    const a = this.active;
    return a?.run.id === runId ? [...saved, ...a.pending] : saved;
  }

  async listCheckpoints(runId: string) {
    return (await this.store()).listCheckpoints(runId);
  }

  deleteRun(runId: string): Promise<void> {
    return this.exclusive(async () => {
      const a = this.active;
      if (a?.run.id === runId) {
        if (a.loop) throw new Error('this run is training: stop it before deleting it');
        this.release(a);
      }
      await (await this.store()).deleteRun(runId);
      this.events.emit({ type: 'library' });
    });
  }

  async exportRun(runId: string): Promise<Uint8Array> {
    return (await this.store()).exportRun(runId);
  }

  async importRun(bytes: Uint8Array): Promise<RunRecord> {
    const run = await (await this.store()).importRun(bytes);
    this.events.emit({ type: 'library' });
    this.events.flush();
    return run;
  }

  async latestCheckpoint(runId: string): Promise<CheckpointBytes | undefined> {
    const c = await (await this.store()).getLatestCheckpoint(runId);
    return c && { step: c.step, bytes: c.bytes };
  }

  async loseDevice(): Promise<void> {
    this.devices.destroy();
  }

  // ---- the run loop -------------------------------------------------------------------------------

  private begin(run: RunRecord, setup: RunSetup, trainer: Pretrainer, device: Device): void {
    // The run's Web Lock tells other tabs (and the store after a reload) that it is training here.
    let releaseLock = () => {};
    const locked = holdRunLock(run.id).then((release) => (releaseLock = release), () => undefined);
    const a: Active = { run: { ...run, status: 'running', error: undefined }, setup, trainer, device, want: 'run', pending: [], lastFlush: Date.now(), quotaHit: false, releaseLock: () => void locked.then(() => releaseLock()) };
    this.active = a;
    this.events.emit({ type: 'run', run: a.run });
    a.loop = locked.then(() => this.saveRun(a, { status: 'running', error: undefined, step: run.step })).then(() => this.loop(a));
  }

  private async loop(a: Active): Promise<void> {
    const total = a.setup.pretrain.steps;
    try {
      while (a.want === 'run' && a.trainer.stepCount < total) {
        const r = await raceLost(a.device, a.trainer.step());
        const point: MetricPoint = {
          step: r.step,
          time: Date.now(),
          values: {
            [METRIC.loss]: r.loss,
            [METRIC.gradNorm]: r.gradNorm,
            [METRIC.lr]: r.lr,
            [METRIC.tokensPerS]: (r.tokens * 1000) / Math.max(r.ms, 1e-3),
            [METRIC.msPerStep]: r.ms,
          },
        };
        a.pending.push(point);
        a.run.step = r.step;
        this.events.emit({ type: 'metrics', runId: a.run.id, points: [point] });
        if (a.setup.sampleEvery > 0 && (r.step % a.setup.sampleEvery === 0 || r.step === total)) await this.sample(a, r.step);
        if (r.step % a.setup.checkpointEvery === 0 && r.step < total) {
          const periodic = (r.step / a.setup.checkpointEvery) % PERIODIC_EVERY_N_CHECKPOINTS === 0;
          await this.persist(a, periodic);
        } else if (Date.now() - a.lastFlush > METRICS_FLUSH_MS) await this.persist(a, undefined);
        await tick(); // lets pause/stop commands in between steps
      }
      const done = a.trainer.stepCount >= total;
      const status = done ? 'done' : a.want === 'pause' ? 'paused' : 'stopped';
      // The final checkpoint (a 'periodic' one too when the run is complete).
      const saved = a.trainer.stepCount > 0 ? await this.persist(a, done) : true;
      a.loop = undefined;
      // Storage full at the end of a run: stay paused in memory so nothing is lost; resume retries.
      if (status === 'paused' || !saved) await this.saveRun(a, { status: 'paused', error: a.quotaHit ? a.run.error : undefined });
      else await this.finish(a, status);
    } catch (e) {
      // A lost device often fails the step (e.g. mapAsync) just before device.lost resolves: wait a
      // moment so a loss is reported as a loss, not a training error. a.loop stays set meanwhile, so
      // the device.lost handler leaves this run to us.
      const lost = a.device.lostMessage ?? (await Promise.race([a.device.lost, sleep(LOST_GRACE_MS)]));
      a.loop = undefined;
      if (lost) return this.interrupt(a, lost);
      return this.finish(a, 'failed', message(e));
    }
  }

  private async sample(a: Active, step: number): Promise<void> {
    const corpus = this.deps.corpus(a.setup);
    const prompts = samplePrompts(corpus);
    const maxNewTokens = sampleTokens(corpus);
    const greedy = await raceLost(a.device, a.trainer.generate(prompts, { maxNewTokens, temperature: 0, seed: step }));
    const sampled = await raceLost(a.device, a.trainer.generate(prompts, { maxNewTokens, temperature: SAMPLE_TEMPERATURE, seed: step }));
    const samples: Sample[] = prompts.map((prompt, i) => ({ prompt, greedy: greedy[i], sampled: sampled[i] }));
    this.events.emit({ type: 'samples', runId: a.run.id, step, temperature: SAMPLE_TEMPERATURE, samples });
  }

  /**
   * Writes pending metrics and, when `checkpoint` is given, a 'latest' checkpoint (also 'periodic' when
   * true). On a full disk it pauses the run and reports it; returns whether everything was written.
   */
  private async persist(a: Active, checkpoint: boolean | undefined): Promise<boolean> {
    const store = await this.store();
    try {
      if (a.pending.length > 0) {
        const points = a.pending.slice();
        await store.appendMetrics(a.run.id, points);
        a.pending.splice(0, points.length);
      }
      a.lastFlush = Date.now();
      if (checkpoint !== undefined) {
        const bytes = await raceLost(a.device, a.trainer.saveCheckpoint());
        const step = a.trainer.stepCount;
        await store.putCheckpoint(a.run.id, step, bytes, 'latest');
        a.checkpointStep = step;
        this.events.emit({ type: 'checkpoint', runId: a.run.id, step, kind: 'latest' });
        if (checkpoint) {
          await store.putCheckpoint(a.run.id, step, bytes, 'periodic');
          this.events.emit({ type: 'checkpoint', runId: a.run.id, step, kind: 'periodic' });
        }
      }
      await this.saveRun(a, { step: a.run.step });
      a.quotaHit = false;
      return true;
    } catch (e) {
      if (!(e instanceof QuotaExceededStoreError)) throw e;
      if (a.want === 'run') a.want = 'pause';
      const text = 'Browser storage is full: the run is paused and everything saved before is kept. Delete or export old runs, then resume.';
      a.run.error = text;
      if (!a.quotaHit) this.events.emit({ type: 'error', runId: a.run.id, kind: 'quota', message: text });
      a.quotaHit = true;
      return false;
    }
  }

  /** Updates the record in the store and tells the page; a full disk still updates the page. */
  private async saveRun(a: Active, patch: Partial<RunRecord>): Promise<void> {
    a.run = { ...a.run, ...patch };
    try {
      a.run = await (await this.store()).updateRun(a.run.id, patch);
    } catch (e) {
      if (!(e instanceof QuotaExceededStoreError)) this.events.emit({ type: 'error', runId: a.run.id, kind: 'storage', message: message(e) });
    }
    this.events.emit({ type: 'run', run: a.run });
  }

  private async finish(a: Active, status: 'stopped' | 'done' | 'failed', error?: string): Promise<void> {
    if (status === 'failed') {
      await this.persist(a, undefined).catch(() => false);
      this.events.emit({ type: 'error', runId: a.run.id, kind: 'training', message: error ?? 'training failed' });
    }
    await this.saveRun(a, { status, error });
    this.release(a);
  }

  private async interrupt(a: Active, cause: string): Promise<void> {
    await this.persist(a, undefined).catch(() => false); // metrics so far; the checkpoint stays the last good one
    const cp = a.checkpointStep ?? (await this.store().then((s) => s.getLatestCheckpoint(a.run.id)).catch(() => undefined))?.step;
    const text =
      cp !== undefined
        ? `${cause} "${a.run.name}" stopped at step ${a.run.step}: press Resume to continue from its checkpoint at step ${cp}.`
        : `${cause} "${a.run.name}" stopped at step ${a.run.step} before its first checkpoint: start it again.`;
    this.events.emit({ type: 'error', runId: a.run.id, kind: 'device-lost', message: text });
    await this.saveRun(a, { status: 'interrupted', error: text });
    this.release(a);
  }

  private release(a: Active): void {
    try {
      a.trainer.destroy();
    } catch {
      /* the device may already be gone */
    }
    a.releaseLock();
    if (this.active === a) this.active = undefined;
  }

  /** Drops a run paused in memory (checkpointed at its pause) so another can take the GPU. */
  private async releasePaused(): Promise<void> {
    const a = this.active;
    if (!a) return;
    if (a.loop) throw new Error(`"${a.run.name}" is training: pause or stop it first`);
    await this.ensureSaved(a);
    this.release(a);
  }

  /** A run paused by a full disk holds unsaved progress: it leaves memory only once that is saved. */
  private async ensureSaved(a: Active): Promise<void> {
    if (!a.quotaHit && a.pending.length === 0) return;
    if (!(await this.persist(a, false))) {
      throw new Error(`Browser storage is still full, so "${a.run.name}" stays paused to keep its progress. Free space (delete or export old runs), then stop or resume it.`);
    }
  }

  // ---- resources ---------------------------------------------------------------------------------

  /** Runs commands one at a time; when one settles the page gets its events before its answer. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = () => fn().finally(() => this.events.flush());
    const next = this.serial.then(run, run);
    this.serial = next.catch(() => undefined);
    return next;
  }

  private store(): Promise<Store> {
    this.storeP ??= this.deps.openStore().catch((e) => {
      this.storeP = undefined;
      throw new Error(`cannot open the browser's run storage (IndexedDB): ${message(e)}`);
    });
    return this.storeP;
  }
}
