// The training worker's entry point: exposes one Session (src/worker/session.ts) through Comlink.
// Dispatch only: every command's logic lives in the session; large byte results are transferred,
// not copied. The page creates it with `new Worker(new URL(...), { type: 'module' })`.

import * as Comlink from 'comlink';
import type { TrainerApi } from './api';
import { Session } from './session';

const session = new Session();

const api: TrainerApi = {
  connect: (sink) => session.connect(sink),
  probe: () => session.probe(),
  start: (setup) => session.start(setup),
  pause: () => session.pause(),
  resume: (runId) => session.resume(runId),
  stop: () => session.stop(),
  listRuns: () => session.listRuns(),
  getMetrics: (runId) => session.getMetrics(runId),
  listCheckpoints: (runId) => session.listCheckpoints(runId),
  deleteRun: (runId) => session.deleteRun(runId),
  exportRun: async (runId) => {
    const bytes = await session.exportRun(runId);
    return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
  },
  importRun: (bytes) => session.importRun(bytes),
  latestCheckpoint: async (runId) => {
    const c = await session.latestCheckpoint(runId);
    return c && Comlink.transfer(c, [c.bytes]);
  },
  loseDevice: () => session.loseDevice(),
};

Comlink.expose(api);
