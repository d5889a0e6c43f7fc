// The worker's commands (TrainerApi): one run at a time, driven by the shared lifecycle (src/run/
// lifecycle.ts) with hooks that write to the runs library and report to the page. The session owns
// the GPU device, the live job and every store write of a run; a lost device leaves the run resumable
// from its last checkpoint. Not UI code: it reports through batched events and never formats for display.

import { acquireGpu, NoAdapterError, type GpuHandle } from '../gpu/device';
import { openStore } from '../store/db';
import type { Store } from '../store/store';
import type { RunRecord } from '../store/types';
import { liveRunIds } from '../store/locks';
import { corpusTexts, type CorpusChoice } from '../run/corpus';
import { assertSetup, autoName } from '../run/setup';
import { setupOf, type RunSetup } from '../run/run-setup';
import type { Capabilities, CheckpointBytes, EventSink, TrainerApi } from './api';
import { DeviceSlot } from './device-slot';
import { EventBatcher } from './events';
import { createPretrainJob, LiveRun } from './live-run';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

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
  private active?: LiveRun;
  private serial: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: SessionDeps = DEFAULT_DEPS) {
    this.devices = new DeviceSlot(deps.acquireGpu, (d, text) => {
      const a = this.active;
      if (a && a.device === d && !a.running) void a.interrupt(text); // paused in memory: nothing in flight
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
      const job = await createPretrainJob(device.gpu, setup, this.deps.corpus(setup));
      const config = { ...setup, name: setup.name.trim() || autoName(setup) };
      const run = await store
        .createRun({
          name: config.name, kind: 'pretrain', status: 'running', config: config as unknown as Record<string, unknown>,
          step: 0, totalSteps: setup.pretrain.steps, adapter: device.handle.info.adapterName,
        })
        .catch((e) => {
          job.destroy();
          throw e;
        });
      this.events.emit({ type: 'library' });
      this.begin(new LiveRun(run, config, job, device, store, this.events));
      return run;
    });
  }

  pause(): Promise<void> {
    return this.exclusive(async () => {
      await this.active?.pause();
    });
  }

  stop(): Promise<void> {
    return this.exclusive(async () => {
      await this.active?.stop();
    });
  }

  resume(runId: string): Promise<void> {
    return this.exclusive(async () => {
      const a = this.active;
      if (a && a.run.id === runId && !a.running) return a.continue();
      if (a?.running) throw new Error(`"${a.run.name}" is training: pause or stop it first`);
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
      const job = await createPretrainJob(device.gpu, setup, this.deps.corpus(setup), ckpt.bytes);
      // Steps after the checkpoint are trained again: their old metrics would be duplicates.
      await store.truncateMetrics(runId, job.stepCount).catch((e) => {
        job.destroy();
        throw e;
      });
      this.begin(new LiveRun({ ...run, step: job.stepCount }, setup, job, device, store, this.events, ckpt.step));
    });
  }

  async listRuns(): Promise<RunRecord[]> {
    // Runs a closed or reloaded tab left 'running' were marked 'interrupted' when the store opened.
    return (await this.store()).listRuns();
  }

  async getMetrics(runId: string) {
    const saved = await (await this.store()).getMetrics(runId);
    const a = this.active;
    return a?.run.id === runId ? [...saved, ...a.unsaved] : saved;
  }

  async listCheckpoints(runId: string) {
    return (await this.store()).listCheckpoints(runId);
  }

  deleteRun(runId: string): Promise<void> {
    return this.exclusive(async () => {
      const a = this.active;
      if (a?.run.id === runId) {
        if (a.running) throw new Error('this run is training: stop it before deleting it');
        this.drop(a);
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

  // ---- resources ---------------------------------------------------------------------------------

  private begin(a: LiveRun): void {
    this.active = a;
    a.onEnd = () => this.drop(a);
    a.begin();
  }

  private drop(a: LiveRun): void {
    a.dispose();
    if (this.active === a) this.active = undefined;
  }

  /** Drops a run paused in memory (checkpointed at its pause) so another can take the GPU. */
  private async releasePaused(): Promise<void> {
    const a = this.active;
    if (!a) return;
    if (a.running) throw new Error(`"${a.run.name}" is training: pause or stop it first`);
    await a.ensureSaved();
    this.drop(a);
  }

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
