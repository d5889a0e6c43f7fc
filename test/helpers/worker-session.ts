// What the worker tests share: a Session on a database of its own that starts from the shipped
// checkpoint, the stores it opened (closed by the caller's afterAll), and waiting for an event.

import { readFileSync } from 'node:fs';
import { acquireGpu } from '../../src/gpu/device';
import { openStore } from '../../src/store/db';
import type { Store } from '../../src/store/store';
import type { WorkerEvent } from '../../src/worker/api';
import { Session } from '../../src/worker/session';

const SHIPPED = readFileSync('public/pretrained/pretrained.ckpt');
let dbCount = 0;

/** A connected session on a fresh database named after `prefix`, and the events it sends. */
export async function shippedSession(prefix: string, opened: Store[]): Promise<{ s: Session; events: WorkerEvent[] }> {
  const s = new Session({
    openStore: async () => {
      const store = await openStore(`${prefix}-${++dbCount}`);
      opened.push(store);
      return store;
    },
    acquireGpu,
    corpus: () => [],
    shipped: async () => SHIPPED.buffer.slice(SHIPPED.byteOffset, SHIPPED.byteOffset + SHIPPED.byteLength),
  });
  const events: WorkerEvent[] = [];
  await s.connect((batch) => void events.push(...batch));
  return { s, events };
}

/** fn's first truthy value, polled every 20 ms: waits for an event, not a wall-clock window (the timeout only names a hang). */
export async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 600_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
