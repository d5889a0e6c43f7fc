// Event batching for the worker: events are queued and handed to the page's one callback about ten
// times a second, consecutive metric events of a run merged into one. Not a general event bus:
// one sink, in order, and a send that never throws into the training loop.

import type { EventSink, WorkerEvent } from './api';

export const FLUSH_MS = 100;

/** Merges consecutive metrics events of the same run, keeping every other event in place. */
export function coalesce(events: WorkerEvent[]): WorkerEvent[] {
  const out: WorkerEvent[] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if (e.type === 'metrics' && last?.type === 'metrics' && last.runId === e.runId) {
      out[out.length - 1] = { ...last, points: [...last.points, ...e.points] };
    } else out.push(e);
  }
  return out;
}

export class EventBatcher {
  private sink?: EventSink;
  private queue: WorkerEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly intervalMs = FLUSH_MS) {}

  connect(sink: EventSink): void {
    this.sink = sink;
    if (this.queue.length > 0) this.schedule();
  }

  emit(e: WorkerEvent): void {
    this.queue.push(e);
    this.schedule();
  }

  /** Sends everything queued now (used before a command resolves, so the page sees its effects). */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.sink || this.queue.length === 0) return;
    const batch = coalesce(this.queue);
    this.queue = [];
    try {
      // A Comlink proxy returns a promise; a page that went away must not break the run loop.
      const r = this.sink(batch) as unknown;
      if (r instanceof Promise) r.catch(() => undefined);
    } catch {
      /* the page is gone; the store still has everything */
    }
  }

  private schedule(): void {
    if (this.timer === undefined && this.sink) this.timer = setTimeout(() => this.flush(), this.intervalMs);
  }
}
