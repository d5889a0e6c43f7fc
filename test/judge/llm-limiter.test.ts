// The LLM judge's concurrency and cancellation helpers: FIFO semaphore with abortable waiters,
// abortable sleep, and raceAbort.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AbortedError, Semaphore, childSignal, raceAbort, sleep } from '../../src/judge/llm-limiter';

describe('Semaphore', () => {
  it('never lets more than `limit` run and serves waiters in arrival order', async () => {
    const sem = new Semaphore(3);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sem.run(async () => {
          active++;
          peak = Math.max(peak, active);
          order.push(i);
          await sleep(2);
          active--;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(sem.active).toBe(0);
    expect(sem.waiting).toBe(0);
  });

  it('drops aborted waiters from the queue without starting them, and releases slots on throw', async () => {
    const sem = new Semaphore(1);
    const ctrl = new AbortController();
    let started = 0;
    const holder = sem.run(() => sleep(30));
    const queued = Array.from({ length: 5 }, () => sem.run(async () => void started++, ctrl.signal));
    expect(sem.waiting).toBe(5);
    ctrl.abort();
    for (const q of queued) await expect(q).rejects.toBeInstanceOf(AbortedError);
    expect(sem.waiting).toBe(0);
    await holder;
    expect(started).toBe(0);
    await expect(
      sem.run(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(sem.active).toBe(0);
    await expect(sem.acquire(ctrl.signal)).rejects.toBeInstanceOf(AbortedError);
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});

describe('sleep / raceAbort', () => {
  it('sleep ends early on abort', async () => {
    const ctrl = new AbortController();
    const p = sleep(3_600_000, ctrl.signal); // an hour: only the abort can end it within the test's timeout
    queueMicrotask(() => ctrl.abort());
    await expect(p).rejects.toBeInstanceOf(AbortedError);
    expect(getEventListeners(ctrl.signal, 'abort')).toHaveLength(0);
  });

  it('raceAbort settles on abort and passes results through otherwise', async () => {
    const ctrl = new AbortController();
    const never = new Promise<number>(() => undefined);
    const p = raceAbort(never, ctrl.signal);
    ctrl.abort();
    await expect(p).rejects.toBeInstanceOf(AbortedError);
    await expect(raceAbort(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
    await expect(raceAbort(Promise.reject(new Error('x')), new AbortController().signal)).rejects.toThrow('x');
    await expect(raceAbort(Promise.reject(new Error('late')), ctrl.signal)).rejects.toBeInstanceOf(AbortedError);
  });
});

describe('childSignal', () => {
  it('fans one parent listener out to many children, which abort with it', () => {
    const parent = new AbortController();
    const kids = Array.from({ length: 50 }, () => childSignal(parent.signal));
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(1);
    kids[0].dispose();
    parent.abort();
    expect(kids[0].signal!.aborted).toBe(false); // disposed: no longer linked
    expect(kids.slice(1).every((k) => k.signal!.aborted)).toBe(true);
    expect(childSignal(parent.signal).signal!.aborted).toBe(true);
    expect(childSignal(undefined).signal).toBeUndefined();
  });
});
