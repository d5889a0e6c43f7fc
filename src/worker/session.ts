// The worker's commands (TrainerApi): runs driven by the shared lifecycle (src/run/lifecycle.ts) with
// hooks that write to the runs library and report to the page. One run trains at a time, except the
// runs of one group (the demo's arms), which train side by side on the one device. The session owns
// the GPU device, the live jobs, the judge's key and every store write of a run; a lost device
// leaves each run resumable from its last checkpoint. Not UI code: it reports through batched events.

import { acquireGpu, NoAdapterError, type GpuHandle } from '../gpu/device';
import { openStore } from '../store/db';
import type { Store } from '../store/store';
import type { PreviewRecord, RunRecord } from '../store/records';
import { liveRunIds } from '../store/locks';
import { corpusTexts, longestExampleTokens, unigramEntropy, type CorpusChoice } from '../run/corpus';
import { assertSetup, setupOf, type PretrainSetup } from '../run/pretrain-setup';
import {
  ESTIMATE_YIELDED,
  type Capabilities,
  type CheckpointBytes,
  type EventSink,
  type JudgeTest,
  type PageJudge,
  type RlEstimate,
  type RlRunSetup,
  type Rescore,
  type RescoreSource,
  type StepView,
  type TrainerApi,
} from './api';
import { DeviceSlot } from './device-slot';
import { warmPretrainPipelines } from '../model/warm-up';
import { estimateFromSteps } from './time-estimate';
import { EventBatcher } from './events';
import { JudgeSlot } from './judge-slot';
import type { LiveRun } from './live-run';
import { newPretrainRun, newRlRun, resumeLive, type FactoryDeps } from './run-factory';
import { buildRlJob, fetchShipped, startBytes } from './rl-builder';
import { assertRlSetup, rlSetupOf } from './rl-setup';
import { StepSlot } from './step-slot';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** What a session needs from outside; the defaults are the browser's (tests pass their own store). */
export interface SessionDeps {
  openStore: () => Promise<Store>;
  acquireGpu: () => Promise<GpuHandle>;
  corpus: (choice: CorpusChoice) => string[]; // the documents of a run's corpus choice
  shipped?: () => Promise<ArrayBuffer>; // the shipped pre-trained checkpoint
}

const DEFAULT_DEPS: SessionDeps = {
  openStore: () => openStore(),
  acquireGpu,
  corpus: corpusTexts,
  shipped: fetchShipped,
};

export class Session implements TrainerApi {
  private events = new EventBatcher();
  private storeP?: Promise<Store>;
  private devices: DeviceSlot;
  private readonly judges = new JudgeSlot();
  private readonly steps = new StepSlot(this.judges);
  private active: LiveRun[] = [];
  private serial: Promise<unknown> = Promise.resolve();
  private warmed = false; // the pre-training pipelines were queued for compilation (warmUp)
  private estimating?: AbortController; // the time estimate asked for last: a run started meanwhile aborts it

  constructor(private readonly deps: SessionDeps = DEFAULT_DEPS) {
    this.devices = new DeviceSlot(deps.acquireGpu, (d, text) => {
      for (const a of this.active) if (a.device === d && !a.running) void a.interrupt(text); // paused in memory: nothing in flight
    });
  }

  async connect(sink: EventSink): Promise<void> {
    this.events.connect(sink);
  }

  async probe(): Promise<Capabilities> {
    try {
      const { info } = (await this.devices.get()).handle;
      if (!this.warmed) this.warmUp();
      return {
        ok: true,
        adapterName: info.adapterName,
        isFallback: info.isFallback,
        hasF16: info.hasF16,
        limits: { ...info.limits },
      };
    } catch (e) {
      if (e instanceof NoAdapterError) return { ok: false, reason: 'no-adapter', message: e.message };
      const inBrowser = typeof navigator !== 'undefined' && typeof process === 'undefined';
      if (inBrowser && !navigator.gpu)
        return {
          ok: false,
          reason: 'no-webgpu',
          message: 'This browser does not expose WebGPU (navigator.gpu is missing).',
        };
      return { ok: false, reason: 'device-failed', message: message(e) };
    }
  }

  start(setup: PretrainSetup): Promise<RunRecord> {
    const t0 = performance.now();
    this.yieldEstimate();
    return this.exclusive(async () => {
      assertSetup(setup);
      await this.releasePaused();
      const live = await newPretrainRun(await this.factory(), setup, await this.devices.get());
      this.events.emit({ type: 'library' });
      this.begin(live, t0);
      return live.run;
    });
  }

  startRl(setups: RlRunSetup[]): Promise<RunRecord[]> {
    const t0 = performance.now();
    this.yieldEstimate();
    return this.exclusive(async () => {
      if (setups.length === 0) throw new Error('no run to start');
      setups.forEach(assertRlSetup);
      if (setups.length > 1 && setups.some((s) => !s.group || s.group !== setups[0].group))
        throw new Error('runs started together must share a group');
      await this.releasePaused();
      const f = await this.factory();
      const device = await this.devices.get();
      const lives: LiveRun[] = [];
      try {
        for (const s of setups) lives.push(await newRlRun(f, s, device));
      } catch (e) {
        for (const l of lives) {
          l.dispose();
          await f.store.deleteRun(l.run.id).catch(() => undefined);
        }
        throw e;
      }
      this.events.emit({ type: 'library' });
      lives.forEach((l) => this.begin(l, t0));
      return lives.map((l) => l.run);
    });
  }

  pause(): Promise<void> {
    return this.exclusive(async () => {
      await Promise.all(this.active.map((a) => a.pause()));
    });
  }

  stop(): Promise<void> {
    return this.exclusive(async () => {
      await Promise.all([...this.active].map((a) => a.stop()));
    });
  }

  resume(runId: string): Promise<void> {
    const t0 = performance.now();
    this.yieldEstimate();
    return this.exclusive(async () => {
      const a = this.active.find((x) => x.run.id === runId);
      if (a && !a.running) return a.continue();
      if (a) return;
      const store = await this.store();
      const run = await store.getRun(runId);
      const group = run && rlSetupOf(run)?.group;
      const busy = this.active.find((x) => x.running && (!group || x.group !== group));
      if (busy) throw new Error(`"${busy.run.name}" is training: pause or stop it first`);
      if (!run)
        throw new Error(
          'this run no longer exists (deleted, perhaps in another tab): reload the page to see the current list',
        );
      const setup = setupOf(run);
      if (!setup && !rlSetupOf(run))
        throw new Error(
          'this run has no configuration to resume (it was not made by this page): start a new run instead',
        );
      if (run.status === 'done')
        throw new Error('this run has finished all its steps: to train longer, start a new run with more steps');
      if ((await liveRunIds()).has(runId))
        throw new Error('this run is training in another tab: pause it there, or close that tab, then resume it here');
      if (!group) await this.releasePaused();
      this.begin(await resumeLive(await this.factory(), run, setup, await this.devices.get()), t0);
    });
  }

  async listRuns(): Promise<RunRecord[]> {
    // Runs a closed or reloaded tab left 'running' were marked 'interrupted' when the store opened.
    return (await this.store()).listRuns();
  }

  async getMetrics(runId: string) {
    const saved = await (await this.store()).getMetrics(runId);
    const a = this.active.find((x) => x.run.id === runId);
    return a ? [...saved, ...a.unsaved] : saved;
  }

  async getPreviews(runId: string): Promise<PreviewRecord[]> {
    return (await this.store()).getPreviews(runId);
  }

  async listCheckpoints(runId: string) {
    return (await this.store()).listCheckpoints(runId);
  }

  deleteRun(runId: string): Promise<void> {
    return this.exclusive(async () => {
      const a = this.active.find((x) => x.run.id === runId);
      if (a) {
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

  /** Compiles the pipelines of a pre-training step while the page is read, queued as a command right
   *  after the first successful probe, ahead of the page's time estimate (a run started meanwhile waits
   *  for it: it needs the same pipelines). Its failure is not reported here: the run's own start
   *  compiles them again and reports what fails. */
  private warmUp(): void {
    this.warmed = true;
    void this.exclusive(async () => {
      if (this.active.length === 0) await warmPretrainPipelines((await this.devices.get()).gpu);
    }).catch(() => undefined);
  }

  /** The setups' time on this device from real steps (time-estimate.ts); nothing is stored. A run started
   *  meanwhile does not wait: the estimate stops (at the latest after the sampling chunk in flight)
   *  and ends with an ESTIMATE_YIELDED error; the pipelines it compiled stay. */
  estimateRl(setups: RlRunSetup[]): Promise<RlEstimate> {
    const ctl = new AbortController();
    this.estimating = ctl;
    return this.exclusive(async () => {
      ctl.signal.throwIfAborted();
      const busy = this.active.find((a) => a.running);
      if (busy) throw new Error(`"${busy.run.name}" is training: the estimate waits until it stops`);
      setups.forEach(assertRlSetup);
      const f = await this.factory();
      const device = await this.devices.get();
      const built = await buildRlJob(
        device.gpu,
        setups[0],
        await startBytes(setups[0], f.store, f.shipped),
        this.judges,
      );
      try {
        return await estimateFromSteps(built.job, setups, device.handle.info.adapterName, ctl.signal);
      } finally {
        built.job.destroy();
      }
    }).finally(() => {
      if (this.estimating === ctl) this.estimating = undefined;
    });
  }

  /** A command that starts training stops the estimate measuring (or waiting to) now. */
  private yieldEstimate(): void {
    this.estimating?.abort(
      Object.assign(new Error('a run was started: the estimate gave way to it'), { name: ESTIMATE_YIELDED }),
    );
  }

  stepBegin(setup: RlRunSetup): Promise<StepView> {
    return this.exclusive(async () => {
      const busy = this.active.find((a) => a.running);
      if (busy) throw new Error(`"${busy.run.name}" is training: pause or stop it to step through an update`);
      const f = await this.factory();
      return this.steps.begin(setup, (await this.devices.get()).gpu, f.store, f.shipped);
    });
  }

  stepNext(): Promise<StepView> {
    return this.exclusive(async () => this.steps.next());
  }

  stepClose(): Promise<void> {
    return this.exclusive(async () => this.steps.close());
  }

  /** A stored step's re-score does not wait for other commands (an LLM judge may take a while); the step-through's does. */
  async rescore(source: RescoreSource, judge: PageJudge | null): Promise<Rescore> {
    if (source.kind === 'run') return this.steps.rescore(source, judge, await this.store());
    return this.exclusive(async () => this.steps.rescore(source, judge, await this.store()));
  }

  async corpusFacts(choice: CorpusChoice): Promise<{ longest: number; unigram: number }> {
    return { longest: longestExampleTokens(choice), unigram: unigramEntropy(choice) };
  }

  async setJudgeKey(key: string | null): Promise<boolean> {
    this.judges.setKey(key);
    return this.judges.hasKey;
  }

  async testJudge(judge: Extract<PageJudge, { kind: 'llm' }>): Promise<JudgeTest> {
    return this.judges.test(judge);
  }

  async loseDevice(): Promise<void> {
    this.devices.destroy();
  }

  // ---- resources ---------------------------------------------------------------------------------

  private async factory(): Promise<FactoryDeps> {
    return {
      store: await this.store(),
      events: this.events,
      judges: this.judges,
      corpus: this.deps.corpus,
      shipped: this.deps.shipped ?? fetchShipped,
    };
  }

  private begin(a: LiveRun, t0: number): void {
    this.steps.close(); // the run needs the GPU the step-through holds
    this.active.push(a);
    a.onEnd = () => this.drop(a);
    a.begin(t0);
  }

  private drop(a: LiveRun): void {
    a.dispose();
    this.active = this.active.filter((x) => x !== a);
  }

  /** Drops runs paused in memory (checkpointed at their pause) so another can take the GPU. */
  private async releasePaused(): Promise<void> {
    const busy = this.active.find((a) => a.running);
    if (busy) throw new Error(`"${busy.run.name}" is training: pause or stop it first`);
    for (const a of [...this.active]) {
      await a.ensureSaved();
      this.drop(a);
    }
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
