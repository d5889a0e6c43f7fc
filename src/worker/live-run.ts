// The run the worker is training (or holds paused in memory): its record, its job and the lifecycle
// driving it, with hooks that write to the runs library (metrics, checkpoints, previews, the record)
// and report to the page through events. Maps the lifecycle's outcomes to run statuses and messages
// (a judge that cannot grade stops the run, resumable, with its cause and a fix); a run whose steps
// are all done may have finishing work (an RL run's held-out evaluation).

import { holdRunLock } from '../store/locks';
import type { Store } from '../store/store';
import { QuotaExceededStoreError, type RunRecord, type RunStatus } from '../store/records';
import { RunDriver, type LifecycleHooks, type Outcome } from '../run/lifecycle';
import { PERIODIC_EVERY_N_CHECKPOINTS } from '../run/pretrain-setup';
import { traceSetOf, type SamplesPreview } from '../run/previews';
import type { TracesPreview } from '../run/rl-job';
import { TRACE_STEPS_KEPT } from './rl-setup';
import type { RunJob } from '../run/job';
import { raceLost, type Device } from './device-slot';
import type { EventBatcher } from './events';
import { StartupClock } from '../gpu/startup';
import { JudgeOutageError } from '../run/grade-failures';
import { judgeStopText } from './judge-gate';

const METRICS_FLUSH_MS = 1000; // metrics reach the store at least this often while training
const LOST_GRACE_MS = 1000; // how long a failed step waits to learn whether the device was lost
const SAMPLE_SETS_KEPT = 4; // generation sets a run keeps (the most recent)
const QUOTA_TEXT =
  'Browser storage is full: the run is paused and everything saved before is kept. Delete or export old runs, then resume.';

const sleep = (ms: number) => new Promise<undefined>((r) => setTimeout(() => r(undefined), ms));

export interface LiveRunOptions {
  checkpointEvery: number;
  previewEvery: number; // steps between on-demand previews (generations); 0: never
  checkpointStep?: number; // the checkpoint it resumed from
  group?: string; // runs started together
  /** Work after the last step (an RL run's evaluation); resolves false when it was stopped before the end. */
  finish?: (stopped: () => boolean) => Promise<boolean>;
  afterStep?: (runId: string) => void; // after each step's events (e.g. the judge's counters)
}

export class LiveRun {
  private readonly driver: RunDriver;
  onEnd: () => void = () => undefined; // the run left memory (finished, failed, interrupted)
  private loop?: Promise<void>; // set while stepping
  private checkpointStep?: number;
  private clock?: StartupClock; // from the command that started (or resumed) the run to its first step

  constructor(
    public run: RunRecord,
    job: RunJob,
    readonly device: Device,
    private readonly store: Store,
    private readonly events: EventBatcher,
    private readonly options: LiveRunOptions,
  ) {
    this.checkpointStep = options.checkpointStep;
    this.driver = new RunDriver(job, this.hooks(), {
      checkpointEvery: options.checkpointEvery,
      periodicEvery: PERIODIC_EVERY_N_CHECKPOINTS,
      flushMs: METRICS_FLUSH_MS,
      previewEvery: options.previewEvery,
    });
  }

  /** The group of runs started together with this one (the demo's arms), if any. */
  get group(): string | undefined {
    return this.options.group;
  }

  get running(): boolean {
    return this.loop !== undefined;
  }

  get unsaved() {
    return this.driver.unsaved;
  }

  /** Starts stepping; `t0` is when the command arrived (performance.now()), for the start-up time. */
  begin(t0?: number): void {
    this.clock = new StartupClock(this.device.gpu.pipelines, t0);
    this.run = { ...this.run, status: 'running', error: undefined };
    this.events.emit({ type: 'run', run: this.run });
    this.loop = this.saveRun({ status: 'running', error: undefined, step: this.run.step }).then(() => this.drive());
  }

  /** Continues a run paused in memory. */
  async continue(): Promise<void> {
    this.driver.want = 'run';
    await this.saveRun({ status: 'running', error: undefined });
    this.loop = this.drive();
  }

  async pause(): Promise<void> {
    if (!this.loop) return;
    if (this.driver.want === 'run') this.driver.want = 'pause';
    await this.loop;
  }

  async stop(): Promise<void> {
    if (this.loop) {
      this.driver.want = 'stop';
      return this.loop;
    }
    await this.ensureSaved();
    await this.end('stopped');
  }

  /** A run paused by a full disk holds unsaved progress: it leaves memory only once that is saved. */
  async ensureSaved(): Promise<void> {
    if (this.driver.allSaved) return;
    if (!(await this.driver.persist(false))) {
      throw new Error(
        `Browser storage is still full, so "${this.run.name}" stays paused to keep its progress. Free space (delete or export old runs), then stop or resume it.`,
      );
    }
  }

  /** The device was lost: metrics so far are saved, the checkpoint stays the last good one. */
  async interrupt(cause: string): Promise<void> {
    await this.driver.persist(undefined).catch(() => false);
    const cp = this.checkpointStep ?? (await this.store.getLatestCheckpoint(this.run.id).catch(() => undefined))?.step;
    const text =
      cp !== undefined
        ? `${cause} "${this.run.name}" stopped at step ${this.run.step}: press Resume to continue from its checkpoint at step ${cp}` +
          (this.run.step > cp ? ` (the ${this.run.step - cp} steps after it are trained again).` : '.')
        : `${cause} "${this.run.name}" stopped at step ${this.run.step} before its first checkpoint: start it again.`;
    this.events.emit({ type: 'error', runId: this.run.id, kind: 'device-lost', message: text });
    await this.saveRun({ status: 'interrupted', error: text });
    this.onEnd();
  }

  dispose(): void {
    this.driver.dispose();
  }

  private async drive(): Promise<void> {
    const out: Outcome = await this.driver.run();
    this.loop = undefined;
    switch (out.status) {
      case 'paused':
        return this.saveRun({ status: 'paused', error: undefined });
      case 'storage-full': // stays paused in memory so nothing is lost; resume retries
        return this.saveRun({ status: 'paused', error: this.run.error });
      case 'lost':
        return this.interrupt(out.cause);
      case 'failed':
        if (out.thrown instanceof JudgeOutageError) return this.judgeStopped(out.error, `Step ${this.run.step + 1}`);
        this.events.emit({ type: 'error', runId: this.run.id, kind: 'training', message: out.error });
        return this.end('failed', out.error);
      case 'done':
        return this.finish();
      default:
        return this.end(out.status);
    }
  }

  /** The finishing work after the last step; the run is 'done' once it completes. */
  private async finish(): Promise<void> {
    if (!this.options.finish) return this.end('done');
    this.loop = (async () => {
      try {
        const complete = await this.options.finish!(() => this.driver.want !== 'run');
        this.loop = undefined;
        if (!complete && this.driver.want === 'pause') return this.saveRun({ status: 'paused', error: undefined }); // in memory: continue() evaluates again
        await this.end(complete ? 'done' : 'stopped');
      } catch (e) {
        this.loop = undefined;
        const lost = this.device.lostMessage;
        if (lost) return this.interrupt(lost);
        if (e instanceof JudgeOutageError) return this.judgeStopped(e.message, 'The held-out evaluation');
        const text = `the held-out evaluation failed: ${(e as Error).message}`;
        this.events.emit({ type: 'error', runId: this.run.id, kind: 'training', message: text });
        await this.end('failed', text);
      }
    })();
    return this.loop;
  }

  /** The judge cannot grade: nothing of the work in flight was kept; the run stops, resumable. */
  private async judgeStopped(line: string, what: string): Promise<void> {
    const text = judgeStopText(line, what);
    this.events.emit({ type: 'error', runId: this.run.id, kind: 'judge', message: text });
    await this.end('stopped', text);
  }

  private async end(status: RunStatus, error?: string): Promise<void> {
    await this.saveRun({ status, error });
    this.onEnd();
  }

  /** Updates the record in the store and tells the page; a full disk still updates the page. */
  private async saveRun(patch: Partial<RunRecord>): Promise<void> {
    this.run = { ...this.run, ...patch };
    try {
      this.run = await this.store.updateRun(this.run.id, patch);
    } catch (e) {
      if (!(e instanceof QuotaExceededStoreError))
        this.events.emit({ type: 'error', runId: this.run.id, kind: 'storage', message: (e as Error).message });
    }
    this.events.emit({ type: 'run', run: this.run });
  }

  /** Stores a preview with the run; a failed write costs the preview only (the run trains on). */
  private keep(kind: string, step: number, data: unknown, n: number): void {
    this.store.putPreview(this.run.id, kind, step, data, n).catch((e) => {
      if (!(e instanceof QuotaExceededStoreError))
        this.events.emit({ type: 'error', runId: this.run.id, kind: 'storage', message: (e as Error).message });
    });
  }

  private hooks(): LifecycleHooks {
    const id = () => this.run.id;
    return {
      saveMetrics: (points) => this.store.appendMetrics(id(), points),
      saveCheckpoint: async (step, bytes, periodic) => {
        await this.store.putCheckpoint(id(), step, bytes, 'latest');
        this.checkpointStep = step;
        this.events.emit({ type: 'checkpoint', runId: id(), step, kind: 'latest' });
        if (periodic) {
          await this.store.putCheckpoint(id(), step, bytes, 'periodic');
          this.events.emit({ type: 'checkpoint', runId: id(), step, kind: 'periodic' });
        }
      },
      afterPersist: (step) => this.saveRun({ step }),
      onStep: (point) => {
        this.run.step = point.step;
        this.events.emit({ type: 'metrics', runId: id(), points: [point] });
        const startup = this.clock?.stepDone();
        if (startup) {
          this.events.emit({ type: 'startup', runId: id(), report: startup });
          this.events.flush(); // the first step reaches the page now, not at the next batch
        }
        this.options.afterStep?.(id());
      },
      onPreview: (p) => {
        if (p.kind === 'samples') {
          const { temperature, samples } = (p as SamplesPreview).data;
          this.events.emit({ type: 'samples', runId: id(), step: p.step, temperature, samples });
          this.keep('samples', p.step, { temperature, samples }, SAMPLE_SETS_KEPT);
        } else if (p.kind === 'traces') {
          const { problems, G, traces } = (p as TracesPreview).data;
          const set = traceSetOf(p.step, G, problems, traces);
          this.events.emit({ type: 'traces', runId: id(), traces: set });
          this.keep('traces', p.step, set, TRACE_STEPS_KEPT);
        }
      },
      onStorageFull: () => {
        this.run.error = QUOTA_TEXT;
        this.events.emit({ type: 'error', runId: id(), kind: 'quota', message: QUOTA_TEXT });
      },
      isStorageFull: (e) => e instanceof QuotaExceededStoreError,
      guard: (work) => raceLost(this.device, work),
      // A lost device often fails the step (e.g. mapAsync) just before device.lost resolves: wait a
      // moment so a loss is reported as a loss, not a training error.
      lostCause: async () => this.device.lostMessage ?? (await Promise.race([this.device.lost, sleep(LOST_GRACE_MS)])),
      lock: () => holdRunLock(id()),
    };
  }
}
