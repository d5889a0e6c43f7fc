// Starts the training worker and wraps it with Comlink: the page's only link to the GPU side.
// Vite bundles the worker (and the WGSL it imports) as its own chunk from this `new URL(...)` form.

import * as Comlink from 'comlink';
import type { EventSink, TrainerApi } from '../worker/api';

export interface WorkerClient {
  api: TrainerApi;
  wrapSink: (sink: EventSink) => EventSink;
  worker: Worker;
}

export function startWorker(onFail: (message: string) => void): WorkerClient {
  const worker = new Worker(new URL('../worker/trainer.worker.ts', import.meta.url), {
    type: 'module',
    name: 'exprl-trainer',
  });
  worker.addEventListener('error', (e) => onFail(e.message || 'the training worker failed to load'));
  // Every TrainerApi method already returns a promise, so the remote has the same shape.
  const api = Comlink.wrap<TrainerApi>(worker) as unknown as TrainerApi;
  return { api, wrapSink: (sink) => Comlink.proxy(sink), worker };
}
