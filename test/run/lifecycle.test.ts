// The one run lifecycle on a GPU-free fake job: step budget, pause and stop between steps, checkpoint
// cadence (latest, periodic, final), metric batching, previews, a full disk (paused in memory, nothing
// lost, retried), a failed step, a lost device, and the lock held while the job is live.
import { describe, it, expect } from 'vitest';
import { RunDriver, type Cadence, type LifecycleHooks } from '../../src/run/lifecycle';
import type { JobStep, RunJob } from '../../src/run/job';
import type { MetricPoint } from '../../src/store/records';

class FakeJob implements RunJob {
  readonly kind = 'fake';
  stepCount = 0;
  destroyed = false;
  failAt = -1;
  onStep?: (step: number) => void;
  constructor(readonly total: number) {}
  async step(): Promise<JobStep> {
    if (this.stepCount + 1 === this.failAt) throw new Error(`step ${this.failAt} failed`);
    this.stepCount++;
    this.onStep?.(this.stepCount);
    return { step: this.stepCount, values: { 'pretrain/loss': 10 - this.stepCount } };
  }
  async saveCheckpoint(): Promise<ArrayBuffer> {
    return new Uint32Array([this.stepCount]).buffer;
  }
  async preview() {
    return [{ kind: 'samples', step: this.stepCount, data: null }];
  }
  destroy(): void {
    this.destroyed = true;
  }
}

class Storage {
  metrics: MetricPoint[] = [];
  checkpoints: { step: number; periodic: boolean }[] = [];
  full = false;
  hooks(extra: Partial<LifecycleHooks> = {}): LifecycleHooks {
    return {
      saveMetrics: async (p) => {
        if (this.full) throw new Error('QUOTA');
        this.metrics.push(...p);
      },
      saveCheckpoint: async (step, _b, periodic) => {
        if (this.full) throw new Error('QUOTA');
        this.checkpoints.push({ step, periodic });
      },
      isStorageFull: (e) => (e as Error).message === 'QUOTA',
      ...extra,
    };
  }
}

const CADENCE: Cadence = { checkpointEvery: 3, periodicEvery: 2, flushMs: 60_000, previewEvery: 4 };

describe('run lifecycle', () => {
  it('steps to the budget: checkpoints on the cadence (every 2nd kept), a final kept one, all metrics saved, previews', async () => {
    const job = new FakeJob(10),
      st = new Storage();
    const previews: number[] = [];
    const d = new RunDriver(job, st.hooks({ onPreview: (p) => previews.push(p.step) }), CADENCE);
    expect(await d.run()).toEqual({ status: 'done' });
    expect(st.checkpoints).toEqual([
      { step: 3, periodic: false },
      { step: 6, periodic: true },
      { step: 9, periodic: false },
      { step: 10, periodic: true },
    ]);
    expect(st.metrics.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(previews).toEqual([4, 8, 10]);
    expect(d.allSaved).toBe(true);
  });

  it('a pause asked for mid-run takes effect after the step in flight, with a checkpoint; run() continues', async () => {
    const job = new FakeJob(10),
      st = new Storage();
    const d = new RunDriver(job, st.hooks(), CADENCE);
    job.onStep = (s) => {
      if (s === 5) d.want = 'pause';
    };
    expect(await d.run()).toEqual({ status: 'paused' });
    expect(job.stepCount).toBe(5);
    expect(st.checkpoints.at(-1)).toEqual({ step: 5, periodic: false });
    job.onStep = undefined;
    d.want = 'run';
    expect(await d.run()).toEqual({ status: 'done' });
    expect(st.metrics.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('a stop asked for before the run begins takes effect before the first step', async () => {
    const job = new FakeJob(10),
      st = new Storage();
    const d = new RunDriver(job, st.hooks(), CADENCE);
    d.want = 'stop';
    expect(await d.run()).toEqual({ status: 'stopped' });
    expect(job.stepCount).toBe(0);
    expect(st.checkpoints).toEqual([]);
  });

  it('a full disk pauses in memory, reports once, keeps the unsaved points, and saves them when space is back', async () => {
    const job = new FakeJob(8),
      st = new Storage();
    let reported = 0;
    const d = new RunDriver(job, st.hooks({ onStorageFull: () => reported++ }), CADENCE);
    job.onStep = (s) => {
      if (s === 2) st.full = true;
    };
    expect(await d.run()).toEqual({ status: 'storage-full' });
    expect(job.stepCount).toBe(3); // the checkpoint at 3 was refused, so the run paused there
    expect(reported).toBe(1);
    expect(d.allSaved).toBe(false);
    expect(d.unsaved.map((p) => p.step)).toEqual([1, 2, 3]);
    st.full = false;
    expect(await d.persist(false)).toBe(true);
    expect(st.metrics.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(d.allSaved).toBe(true);
  });

  it('a failed step ends the run as failed with its message; metrics before it are saved', async () => {
    const job = new FakeJob(8),
      st = new Storage();
    job.failAt = 5;
    const d = new RunDriver(job, st.hooks(), CADENCE);
    expect(await d.run()).toEqual({ status: 'failed', error: 'step 5 failed', thrown: expect.any(Error) });
    expect(st.metrics.map((p) => p.step)).toEqual([1, 2, 3, 4]);
  });

  it('a lost device is an outcome of its own, not a training failure', async () => {
    const job = new FakeJob(8),
      st = new Storage();
    job.failAt = 4;
    const d = new RunDriver(job, st.hooks({ lostCause: async () => 'The GPU device was lost (test).' }), CADENCE);
    expect(await d.run()).toEqual({ status: 'lost', cause: 'The GPU device was lost (test).' });
    expect(st.checkpoints.at(-1)?.step).toBe(3); // the last good one
  });

  it('holds the lock while live and releases it with the job', async () => {
    const job = new FakeJob(2),
      st = new Storage();
    const events: string[] = [];
    const d = new RunDriver(
      job,
      st.hooks({ lock: async () => (events.push('lock'), () => events.push('release')) }),
      CADENCE,
    );
    await d.run();
    await d.run();
    expect(events).toEqual(['lock']);
    d.dispose();
    await new Promise((r) => setTimeout(r, 0));
    expect(events).toEqual(['lock', 'release']);
    expect(job.destroyed).toBe(true);
  });
});
