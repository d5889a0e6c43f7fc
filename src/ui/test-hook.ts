// The end-to-end tests' window hook, installed only when the page is opened with ?e2e=1: reads the
// page state and checkpoint digests (to prove an imported run has identical weights) and simulates a
// lost GPU device. Never installed in normal use.

import type { AppState } from './state/app.svelte';
import type { TrainerApi } from '../worker/api';

export interface TestHook {
  state(): { runId?: string; status?: string; step: number; total: number; loss: number[]; runs: { id: string; name: string; status: string; step: number }[] };
  checkpoint(runId: string): Promise<{ step: number; size: number; sha256: string } | null>;
  loseDevice(): Promise<void>;
}

async function sha256(bytes: ArrayBuffer): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function installTestHook(app: AppState, api: TrainerApi): void {
  const hook: TestHook = {
    state: () => ({
      runId: app.live.run?.id,
      status: app.live.run?.status,
      step: app.live.step,
      total: app.live.total,
      loss: [...(app.live.series.values['pretrain/loss'] ?? [])],
      runs: app.library.runs.map((r) => ({ id: r.id, name: r.name, status: r.status, step: r.step })),
    }),
    checkpoint: async (runId) => {
      const c = await api.latestCheckpoint(runId);
      return c ? { step: c.step, size: c.bytes.byteLength, sha256: await sha256(c.bytes) } : null;
    },
    loseDevice: () => api.loseDevice(),
  };
  (window as unknown as { __exprl: TestHook }).__exprl = hook;
}
