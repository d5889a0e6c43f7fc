// The worker's event batching: events reach the page's one callback in order, about ten times a
// second, consecutive metrics of a run merged; a page that went away never breaks the run loop.
import { describe, expect, it } from 'vitest';
import { EventBatcher, coalesce } from '../../src/worker/events';
import type { WorkerEvent } from '../../src/worker/api';

const m = (runId: string, step: number): WorkerEvent => ({
  type: 'metrics',
  runId,
  points: [{ step, time: step, values: {} }],
});

describe('coalesce', () => {
  it('merges consecutive metrics of one run and keeps everything else in order', () => {
    const out = coalesce([m('a', 1), m('a', 2), { type: 'library' }, m('a', 3), m('b', 1), m('b', 2)]);
    expect(out.map((e) => e.type)).toEqual(['metrics', 'library', 'metrics', 'metrics']);
    expect(out[0].type === 'metrics' && out[0].points.map((p) => p.step)).toEqual([1, 2]);
    expect(out[3].type === 'metrics' && out[3].runId).toBe('b');
  });
});

describe('EventBatcher', () => {
  it('sends one batch per interval', async () => {
    const batches: WorkerEvent[][] = [];
    let delivered!: () => void;
    const first = new Promise<void>((r) => (delivered = r));
    const b = new EventBatcher(20);
    b.connect((e) => {
      batches.push(e);
      delivered();
    });
    for (let i = 1; i <= 5; i++) b.emit(m('a', i));
    expect(batches).toHaveLength(0); // nothing is sent synchronously
    await first; // the interval's timer fired once for all five
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(1);
    b.emit({ type: 'library' });
    b.flush();
    expect(batches).toHaveLength(2);
  });

  it('holds events until a page connects', async () => {
    const b = new EventBatcher(5);
    b.emit({ type: 'library' });
    const got = await new Promise<WorkerEvent[]>((r) => b.connect(r));
    expect(got).toEqual([{ type: 'library' }]);
  });

  it('a sink that throws or rejects is ignored', async () => {
    const b = new EventBatcher(5);
    b.connect(() => {
      throw new Error('page gone');
    });
    b.emit({ type: 'library' });
    expect(() => b.flush()).not.toThrow();
    const c = new EventBatcher(5);
    c.connect((() => Promise.reject(new Error('closed'))) as never);
    c.emit({ type: 'library' });
    expect(() => c.flush()).not.toThrow();
    await Promise.resolve(); // the rejection is handled: no unhandled-rejection error follows
  });
});
