// The page's time estimate (src/worker/time-estimate.ts) on a fake job whose steps take known times on
// a fake clock: which steps it times, and how it scales them to every setup's steps, batch, length and
// held-out evaluation.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { estimateFromSteps } from '../../src/worker/time-estimate';
import { demoSetups } from '../../src/worker/rl-setup';
import type { JobStep, RunJob } from '../../src/run/job';
import type { RlRunSetup } from '../../src/worker/api';

/** A job whose steps take `short` seconds (half of it sampling) and, at the limit, `long` seconds. */
function fakeJob(short: number[], long: number, atLimit = true): RunJob & { calls: string[] } {
  const calls: string[] = [];
  let n = 0;
  const take = async (seconds: number, kind: string): Promise<JobStep> => {
    calls.push(kind);
    vi.advanceTimersByTime(seconds * 1000);
    n++;
    return { step: n, values: { 'rl/timing/sample_s': seconds / 2 } };
  };
  return {
    kind: 'rl',
    total: 100,
    get stepCount() {
      return n;
    },
    calls,
    step: () => take(short[n] ?? short[short.length - 1], 'step'),
    ...(atLimit ? { stepAtLimit: () => take(long, 'limit') } : {}),
    saveCheckpoint: async () => new ArrayBuffer(0),
    destroy: () => undefined,
  };
}

const signal = () => new AbortController().signal;

describe('the RL time estimate', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['performance'] }));
  afterEach(() => vi.useRealTimers());

  it('times two start-length steps after the compiling one, and two at the limit', async () => {
    const setups = demoSetups('t');
    const job = fakeJob([20, 3, 5], 9);
    const e = await estimateFromSteps(job, setups, 'fake', signal());
    expect(job.calls).toEqual(['step', 'step', 'step', 'limit', 'limit']);
    expect(e.firstStepSeconds).toBeCloseTo(20);
    expect(e.stepSeconds).toBeCloseTo(4); // the mean of 3 and 5
    expect(e.limitStepSeconds).toBeCloseTo(9);
  });

  it('takes a judge-rewarded Stage I at the limit from its third step, its evaluation too', async () => {
    const setups = demoSetups('t'); // sparse GRPO and ExpRL-Process, 12 steps each, same batch
    const [grpo, process] = setups;
    expect([grpo.arm, process.arm]).toEqual(['grpo', 'process']);
    const e = await estimateFromSteps(fakeJob([20, 4, 4], 10), setups, 'fake', signal());
    const b = grpo.options.stageI;
    const ev = grpo.options.eval;
    const evalRounds = Math.ceil(ev.problems / ev.problemsPerStep);
    const evalShare = (ev.problemsPerStep * ev.n) / (b.promptsPerStep * b.groupSize); // an eval round's samples per step's
    const train = b.steps * 4 + (2 * 4 + (b.steps - 2) * 10);
    const evals = evalRounds * evalShare * (4 / 2) + evalRounds * evalShare * (10 / 2);
    expect(e.evalSeconds).toBeCloseTo(evals);
    expect(e.totalSeconds).toBeCloseTo(train + evals);
  });

  it('scales by each setup batch and skips the limit step when nothing grows', async () => {
    const [grpo] = demoSetups('t');
    const big: RlRunSetup = {
      ...grpo,
      evaluate: false,
      options: {
        ...grpo.options,
        stageI: { ...grpo.options.stageI, steps: 5, groupSize: grpo.options.stageI.groupSize * 2 },
      },
    };
    const job = fakeJob([20, 3, 3], 99);
    const e = await estimateFromSteps(job, [grpo, big], 'fake', signal());
    expect(job.calls).not.toContain('limit');
    expect(e.limitStepSeconds).toBeNull();
    const ev = grpo.options.eval;
    const b = grpo.options.stageI;
    const evals =
      Math.ceil(ev.problems / ev.problemsPerStep) *
      ((ev.problemsPerStep * ev.n) / (b.promptsPerStep * b.groupSize)) *
      1.5;
    expect(e.totalSeconds).toBeCloseTo(b.steps * 3 + 5 * 3 * 2 + evals);
  });

  it('takes a job that cannot run to the limit at its start length', async () => {
    const job = fakeJob([20, 4, 4], 99, false);
    const e = await estimateFromSteps(job, demoSetups('t'), 'fake', signal());
    expect(job.calls).toEqual(['step', 'step', 'step']);
    expect(e.limitStepSeconds).toBeNull();
  });

  it('stops at an aborted signal before stepping', async () => {
    const ctl = new AbortController();
    ctl.abort(new Error('a run was started'));
    const job = fakeJob([1], 1);
    await expect(estimateFromSteps(job, demoSetups('t'), 'fake', ctl.signal)).rejects.toThrow('a run was started');
    expect(job.calls).toEqual([]);
  });
});
