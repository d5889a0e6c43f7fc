// The training worker's entry point: exposes one Session (src/worker/session.ts) through Comlink.
// Every command's logic lives in the session; results that carry bytes are transferred, not copied.
// The page creates it with `new Worker(new URL(...), { type: 'module' })`.

import * as Comlink from 'comlink';
import type { TrainerApi } from './api';
import { Session } from './session';

/** The buffers of a command's result to transfer to the page instead of copying. */
const TRANSFER: { [K in keyof TrainerApi]?: (result: Awaited<ReturnType<TrainerApi[K]>>) => ArrayBuffer[] } = {
  exportRun: (bytes) => [bytes.buffer as ArrayBuffer],
  latestCheckpoint: (c) => (c ? [c.bytes] : []),
};

const session = new Session();

const api = new Proxy(session, {
  get(target, key: string) {
    const value = Reflect.get(target, key);
    if (typeof value !== 'function') return value;
    const transfer = TRANSFER[key as keyof TrainerApi] as ((r: unknown) => ArrayBuffer[]) | undefined;
    if (!transfer) return value.bind(target);
    return async (...args: unknown[]) => {
      const result = await value.apply(target, args);
      return Comlink.transfer(result, transfer(result));
    };
  },
}) as TrainerApi;

Comlink.expose(api);
