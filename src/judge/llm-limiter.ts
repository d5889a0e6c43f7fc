// Concurrency and cancellation helpers for the LLM judge: a FIFO semaphore whose queued waiters leave
// the queue when their AbortSignal fires, an abortable sleep, and the error both throw.
// No HTTP here; llm-client.ts and llm.ts build on these.

/** Thrown (or rejected with) when an AbortSignal cancels queued or sleeping work. */
export class AbortedError extends Error {
  constructor(message = 'aborted') {
    super(message);
    this.name = 'AbortError';
  }
}

export function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

interface Waiter {
  grant: () => void;
}

/**
 * At most `limit` holders at once; others wait in arrival order. acquire() resolves to a release
 * function (idempotent). A waiter whose signal aborts is removed from the queue and rejected at once,
 * so cancelled work never starts.
 */
export class Semaphore {
  private holders = 0;
  private readonly queue: Waiter[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`concurrency must be an integer >= 1, got ${limit}`);
  }

  get active(): number {
    return this.holders;
  }

  get waiting(): number {
    return this.queue.length;
  }

  acquire(signal?: AbortSignal): Promise<() => void> {
    if (isAborted(signal)) return Promise.reject(new AbortedError());
    if (this.holders < this.limit) {
      this.holders++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        reject(new AbortedError());
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.releaser());
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  /** Runs fn while holding one slot; the slot is released however fn ends. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.queue.shift();
      if (next)
        next.grant(); // the slot passes straight to the next waiter: holders stays the same
      else this.holders--;
    };
  }
}

/** Resolves after ms, or rejects with AbortedError as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (isAborted(signal)) return Promise.reject(new AbortedError());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Settles like `p`, or rejects with AbortedError when the signal aborts first (p keeps running). */
export function raceAbort<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) {
    p.catch(() => undefined); // the abandoned promise must not surface as an unhandled rejection
    return Promise.reject(new AbortedError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      p.catch(() => undefined);
      reject(new AbortedError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

// One 'abort' listener per caller signal, fanning out to a child controller per call: a signal shared
// by hundreds of concurrent calls would otherwise collect hundreds of listeners (Node warns past 10).
const hubs = new WeakMap<AbortSignal, Set<AbortController>>();

/** A signal that aborts when `parent` does; dispose() when the call is over. undefined in, undefined out. */
export function childSignal(parent?: AbortSignal): { signal: AbortSignal | undefined; dispose: () => void } {
  if (!parent) return { signal: undefined, dispose: () => undefined };
  const ctrl = new AbortController();
  if (parent.aborted) {
    ctrl.abort();
    return { signal: ctrl.signal, dispose: () => undefined };
  }
  let children = hubs.get(parent);
  if (!children) {
    const set = new Set<AbortController>();
    hubs.set(parent, set);
    parent.addEventListener(
      'abort',
      () => {
        for (const c of set) c.abort();
        set.clear();
      },
      { once: true },
    );
    children = set;
  }
  const own = children;
  own.add(ctrl);
  return { signal: ctrl.signal, dispose: () => own.delete(ctrl) };
}
