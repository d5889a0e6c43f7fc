// The end-to-end tests' window hook, installed only when the page is opened with ?e2e=1: reads the
// page state, a run's stored metrics and checkpoint digests (to prove an imported run has identical
// weights) and simulates a lost GPU device. Never installed in normal use.

import type { AppState } from './state/app-state.svelte';
import type { PreviewRecord, TrainerApi } from '../worker/api';
import type { MetricPoint } from '../store/records';
import type { RlState } from './state/rl.svelte';

export interface RlViewState {
  id: string;
  arm?: string;
  kind: string;
  status: string;
  error?: string; // why it failed or stopped
  step: number;
  total: number;
  dense: number[];
  correct: number[];
  deadZone: number[];
  traceSteps: number[];
  passAt1?: number;
  passAtK?: number;
  judgeScore?: number | null; // the held-out judge score (null: not computed)
}

export interface TestHook {
  state(): {
    runId?: string;
    status?: string;
    step: number;
    total: number;
    loss: number[];
    runs: { id: string; name: string; status: string; step: number }[];
  };
  checkpoint(runId: string): Promise<{ step: number; size: number; sha256: string } | null>;
  loseDevice(): Promise<void>;
  rl(which: 'demo' | 'runs' | 'replay'): RlViewState[];
  previews(runId: string): Promise<PreviewRecord[]>;
  metrics(runId: string): Promise<MetricPoint[]>;
}

const col = (v: RlState['views'][number], name: string) => [...(v.series.values[name] ?? [])];
function rlViews(rl: RlState): RlViewState[] {
  return rl.views.map((v) => ({
    id: v.run.id,
    arm: v.arm,
    kind: v.run.kind,
    status: v.run.status,
    error: v.run.error,
    step: v.step,
    total: v.run.totalSteps,
    dense: col(v, 'rl/dense_reward'),
    correct: col(v, 'rl/correct'),
    deadZone: col(v, 'rl/frac_sparse_zero_std'),
    traceSteps: v.traces.map((t) => t.step),
    passAt1: v.evaluation?.passAt1,
    passAtK: v.evaluation?.passAtK,
    judgeScore: v.evaluation?.judgeScore,
  }));
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
    rl: (which) => rlViews(which === 'demo' ? app.rl.demo : which === 'runs' ? app.rl.runs : app.replay.rl),
    previews: (runId) => api.getPreviews(runId),
    metrics: (runId) => api.getMetrics(runId),
  };
  (window as unknown as { __exprl: TestHook }).__exprl = hook;
}
