// The one lifecycle that drives any RunJob, in the worker and in the CLIs alike: step until the budget
// is spent or a pause/stop is asked for (a step in flight always finishes first), batch metric points
// to storage, write checkpoints on a cadence and at the end, hold a lock while the job is live, and
// turn failures into outcomes: a lost GPU device (resumable from the last checkpoint), a full disk
// (paused in memory, nothing lost), or a failed step. Storage and locks are the caller's (hooks).

import type { MetricPoint } from '../store/records';
import type { JobStep, Preview, RunJob } from './job';

export interface LifecycleHooks {
  /** Appends metric points to storage. */
  saveMetrics(points: MetricPoint[]): Promise<void>;
  /** Stores a checkpoint as the job's latest, and also as a kept 'periodic' one when `periodic`. */
  saveCheckpoint(step: number, bytes: ArrayBuffer, periodic: boolean): Promise<void>;
  /** After each successful write (e.g. the run record's step). */
  afterPersist?(step: number): Promise<void>;
  /** Every step as it happens (events, progress lines). */
  onStep?(point: MetricPoint, result: JobStep): void;
  /** Every preview a step (or the end of the run) produced. */
  onPreview?(preview: Preview): void;
  /** Storage refused a write for lack of space (once per episode); the run pauses in memory. */
  onStorageFull?(): void;
  /** Whether an error is storage running out of space. */
  isStorageFull?(e: unknown): boolean;
  /** Races GPU work against the loss of its device (rejects as soon as the device is lost). */
  guard?<T>(work: Promise<T>): Promise<T>;
  /** After a failure: the device-loss message when the device was (or is about to be) lost. */
  lostCause?(): Promise<string | undefined>;
  /** Takes the run's lock (another tab, another process); resolves with its release. */
  lock?(): Promise<() => void>;
}

export interface Cadence {
  checkpointEvery: number; // steps between 'latest' checkpoints (the end of a run always writes one)
  periodicEvery: number; // every n-th checkpoint is also kept as 'periodic' (0: only the final one)
  flushMs: number; // metrics reach storage at least this often while stepping
  previewEvery: number; // steps between previews (0: never); the last step always previews when > 0
}

export type Want = 'run' | 'pause' | 'stop';

export type Outcome =
  | { status: 'done' | 'paused' | 'stopped' }
  | { status: 'storage-full' } // paused in memory: its progress is not all saved yet
  | { status: 'failed'; error: string; thrown?: unknown } // thrown: what the step threw (callers tell kinds of failure apart)
  | { status: 'lost'; cause: string };

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const tick = () => new Promise<void>((r) => setTimeout(r, 0));

export class RunDriver {
  want: Want = 'run';
  storageFull = false; // the last write was refused for space
  checkpointStep?: number; // step of the latest checkpoint written by this driver
  private pending: MetricPoint[] = []; // points not yet in storage
  private lastFlush = Date.now();
  private release?: Promise<() => void>;

  constructor(
    readonly job: RunJob,
    private readonly hooks: LifecycleHooks,
    private readonly cadence: Cadence,
  ) {}

  /** Points stepped but not yet in storage (a page asking for a run's metrics sees these too). */
  get unsaved(): readonly MetricPoint[] {
    return this.pending;
  }

  /** Steps until done, paused, stopped or failed; then writes the final metrics and checkpoint.
   *  A pause or stop asked for before it begins takes effect before the first step. */
  async run(): Promise<Outcome> {
    if (this.hooks.lock) this.release ??= this.hooks.lock().catch(() => () => undefined);
    await this.release;
    const job = this.job,
      c = this.cadence;
    try {
      while (this.want === 'run' && job.stepCount < job.total) {
        const r = await this.guard(job.step());
        const point: MetricPoint = { step: r.step, time: Date.now(), values: r.values as Record<string, number> };
        this.pending.push(point);
        this.hooks.onStep?.(point, r);
        for (const p of r.previews ?? []) this.hooks.onPreview?.(p);
        if (c.previewEvery > 0 && job.preview && (r.step % c.previewEvery === 0 || r.step === job.total)) {
          for (const p of await this.guard(job.preview())) this.hooks.onPreview?.(p);
        }
        if (r.step % c.checkpointEvery === 0 && r.step < job.total) {
          const n = r.step / c.checkpointEvery;
          await this.persist(c.periodicEvery > 0 && n % c.periodicEvery === 0);
        } else if (Date.now() - this.lastFlush > c.flushMs) await this.persist(undefined);
        await tick(); // lets pause/stop commands in between steps
      }
      const done = job.stepCount >= job.total;
      // The final checkpoint (a kept one too when the run is complete).
      const saved = job.stepCount > 0 ? await this.persist(done) : await this.persist(undefined);
      if (!saved) return { status: 'storage-full' };
      return { status: done ? 'done' : (this.want as Want) === 'pause' ? 'paused' : 'stopped' };
    } catch (e) {
      const lost = await this.hooks.lostCause?.();
      if (lost) {
        await this.persist(undefined).catch(() => false); // metrics so far; the checkpoint stays the last good one
        return { status: 'lost', cause: lost };
      }
      await this.persist(undefined).catch(() => false);
      return { status: 'failed', error: message(e), thrown: e };
    }
  }

  /**
   * Writes pending metrics and, when `checkpoint` is given, the job's checkpoint (kept as periodic
   * when true). A full disk pauses the run and is reported once; returns whether all was written.
   */
  async persist(checkpoint: boolean | undefined): Promise<boolean> {
    try {
      if (this.pending.length > 0) {
        const points = this.pending.slice();
        await this.hooks.saveMetrics(points);
        this.pending.splice(0, points.length);
      }
      this.lastFlush = Date.now();
      if (checkpoint !== undefined) {
        const bytes = await this.guard(this.job.saveCheckpoint());
        await this.hooks.saveCheckpoint(this.job.stepCount, bytes, checkpoint);
        this.checkpointStep = this.job.stepCount;
      }
      await this.hooks.afterPersist?.(this.job.stepCount);
      this.storageFull = false;
      return true;
    } catch (e) {
      if (!this.hooks.isStorageFull?.(e)) throw e;
      if (this.want === 'run') this.want = 'pause';
      if (!this.storageFull) this.hooks.onStorageFull?.();
      this.storageFull = true;
      return false;
    }
  }

  /** Whether everything stepped is in storage (a paused run may leave memory only then). */
  get allSaved(): boolean {
    return !this.storageFull && this.pending.length === 0;
  }

  /** Frees the job and the lock. Never throws. */
  dispose(): void {
    try {
      this.job.destroy();
    } catch {
      /* the device may already be gone */
    }
    void this.release?.then((r) => r());
    this.release = undefined;
  }

  private guard<T>(work: Promise<T>): Promise<T> {
    return this.hooks.guard ? this.hooks.guard(work) : work;
  }
}
