// The run the worker is training (or holds paused in memory): its record, its job and the lifecycle
// driving it, with hooks that write to the runs library (metrics, checkpoints, previews, the record)
// and report to the page through events. Maps the lifecycle's outcomes to run statuses and messages
// (a judge that cannot grade stops the run, resumable, with its cause and a fix). An RL run whose steps
// are all done goes on to its held-out evaluation: an EvalJob of the trained weights driven by the same
// lifecycle, as the experiment CLI drives it, whose progress goes to the page and whose result goes
// into the run's record (not into its metric series); the run is done once the evaluation is.

import { holdRunLock } from '../store/locks';
import type { Store } from '../store/store';
import { QuotaExceededStoreError, type RunRecord, type RunStatus } from '../store/records';
import { RunDriver, type Cadence, type LifecycleHooks, type Outcome } from '../run/lifecycle';
import type { EvalJob } from '../run/eval-job';
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
  /** The held-out evaluation of the weights (checkpoint bytes) the training ends with (an RL run's). */
  evaluation?: (weights: ArrayBuffer) => EvalJob;
  report?: (runId: string) => void; // after each training step's events and the evaluation's result (the judge's counters)
}

/** The evaluation's lifecycle writes nothing: its figures go into the run's record once it is done. */
const evaluationCadence = (job: EvalJob): Cadence => ({
  checkpointEvery: job.total, // the end only, kept nowhere: a pause continues it in memory, a reload evaluates again
  periodicEvery: 0,
  flushMs: METRICS_FLUSH_MS,
  previewEvery: 0,
});

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class LiveRun {
  private readonly training: RunDriver;
  private evaluating?: { driver: RunDriver; job: EvalJob }; // once the training is done
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
    this.training = new RunDriver(job, this.hooks(), {
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
    return this.training.unsaved;
  }

  /** The lifecycle in charge now: the training's, then the evaluation's. */
  private get driver(): RunDriver {
    return this.evaluating?.driver ?? this.training;
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
    if (this.training.allSaved) return;
    if (!(await this.training.persist(false))) {
      throw new Error(
        `Browser storage is still full, so "${this.run.name}" stays paused to keep its progress. Free space (delete or export old runs), then stop or resume it.`,
      );
    }
  }

  /** The device was lost: metrics so far are saved, the checkpoint stays the last good one. */
  async interrupt(cause: string): Promise<void> {
    await this.training.persist(undefined).catch(() => false);
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
    this.training.dispose();
    this.evaluating?.driver.dispose();
  }

  private async drive(): Promise<void> {
    if (!this.evaluating) {
      const out = await this.training.run();
      if (out.status !== 'done' || !this.options.evaluation) {
        this.loop = undefined;
        return this.trained(out);
      }
      try {
        this.evaluating = await this.startEvaluation(this.options.evaluation);
      } catch (e) {
        this.loop = undefined;
        return this.evaluationFailed(e);
      }
    }
    const out = await this.evaluating.driver.run();
    this.loop = undefined;
    return this.evaluated(out, this.evaluating.job);
  }

  private async trained(out: Outcome): Promise<void> {
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
      default:
        return this.end(out.status);
    }
  }

  /** The evaluation of the trained weights, under a pause or stop asked for meanwhile; the page sees it begin. */
  private async startEvaluation(evaluation: (weights: ArrayBuffer) => EvalJob) {
    const job = evaluation(await this.training.job.saveCheckpoint());
    const driver = new RunDriver(job, this.evaluationHooks(job), evaluationCadence(job));
    driver.want = this.training.want;
    this.events.emit({ type: 'eval', runId: this.run.id, done: 0, total: job.total });
    return { driver, job };
  }

  private async evaluated(out: Outcome, job: EvalJob): Promise<void> {
    switch (out.status) {
      case 'done':
        try {
          const result = job.result();
          this.run = await this.store.updateRun(this.run.id, { evaluation: result });
          const n = result.perProblem.length;
          this.events.emit({ type: 'eval', runId: this.run.id, done: n, total: n, result });
          this.options.report?.(this.run.id);
        } catch (e) {
          return this.evaluationFailed(e);
        }
        return this.end('done');
      case 'paused':
      case 'storage-full':
        return this.saveRun({ status: 'paused', error: undefined }); // in memory: continue() goes on with it
      case 'lost':
        return this.interrupt(out.cause);
      case 'failed':
        return this.evaluationFailed(out.thrown ?? new Error(out.error));
      default:
        return this.end('stopped');
    }
  }

  private async evaluationFailed(e: unknown): Promise<void> {
    const lost = this.device.lostMessage;
    if (lost) return this.interrupt(lost);
    if (e instanceof JudgeOutageError) return this.judgeStopped(e.message, 'The held-out evaluation');
    const text = `the held-out evaluation failed: ${message(e)}`;
    this.events.emit({ type: 'error', runId: this.run.id, kind: 'training', message: text });
    await this.end('failed', text);
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
        this.options.report?.(id());
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
      ...this.deviceHooks(),
      lock: () => holdRunLock(id()),
    };
  }

  /** The evaluation's progress goes to the page; its metric points and checkpoints are kept nowhere. */
  private evaluationHooks(job: EvalJob): LifecycleHooks {
    return {
      saveMetrics: async () => undefined,
      saveCheckpoint: async () => undefined,
      onStep: (point) => this.events.emit({ type: 'eval', runId: this.run.id, done: point.step, total: job.total }),
      ...this.deviceHooks(),
    };
  }

  private deviceHooks(): Pick<LifecycleHooks, 'guard' | 'lostCause'> {
    return {
      guard: (work) => raceLost(this.device, work),
      // A lost device often fails the step (e.g. mapAsync) just before device.lost resolves: wait a
      // moment so a loss is reported as a loss, not a training error.
      lostCause: async () => this.device.lostMessage ?? (await Promise.race([this.device.lost, sleep(LOST_GRACE_MS)])),
    };
  }
}
