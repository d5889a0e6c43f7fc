// The one contract between the page and the training worker: the commands the page calls through
// Comlink.wrap<TrainerApi>() and the events the worker sends back, batched (~10 a second) through one
// Comlink.proxy(EventSink). Only plain data and transferred ArrayBuffers cross it; no code, no GPU objects.

import type { RunRecord, MetricPoint, CheckpointRecord } from '../store/types';
import type { PretrainOptions } from '../model/trainer-api';
import type { CorpusId, TaskCorpusSpec } from '../run/corpus';

/** What the worker found when it asked for a WebGPU adapter. */
export type Capabilities =
  | {
      ok: true;
      adapterName: string;
      isFallback: boolean; // a CPU adapter (SwiftShader): correct but slow
      hasF16: boolean; // the shader-f16 feature
      limits: Record<string, number>; // the key limits the kernels depend on
    }
  | {
      ok: false;
      reason: 'no-webgpu' | 'no-adapter' | 'device-failed';
      message: string; // what happened, in words
    };

/** Everything the page chooses before a pre-training run; stored (as plain JSON) in RunRecord.config. */
export interface RunSetup {
  name: string;
  preset: string; // key of MODEL_PRESETS
  corpus: CorpusId; // 'builtin-facts' (the engine's arithmetic facts) or 'task-primitives' (corpus.ts)
  tasks?: TaskCorpusSpec; // which task families, when corpus is 'task-primitives'
  pretrain: PretrainOptions; // model config + optimiser settings, exactly what the engine takes
  sampleEvery: number; // steps between greedy/sampled generations (0 = never)
  checkpointEvery: number; // steps between 'latest' checkpoints; every 5th one is also kept as 'periodic'
}

/** How often a 'latest' checkpoint is also kept as a 'periodic' one. */
export const PERIODIC_EVERY_N_CHECKPOINTS = 5;

/** The metric names the worker writes (MetricPoint.values keys). */
export const METRIC = {
  loss: 'train/loss',
  gradNorm: 'train/grad_norm',
  lr: 'train/lr',
  tokensPerS: 'perf/tokens_per_s',
  msPerStep: 'perf/ms_per_step',
} as const;

/** One prompt completed twice: greedily and by sampling. */
export interface Sample {
  prompt: string;
  greedy: string;
  sampled: string;
}

export type ErrorKind =
  | 'quota' // storage full: the run is paused, nothing already saved is lost
  | 'device-lost' // the GPU device was lost: the run can resume from its last checkpoint
  | 'training' // the step failed (e.g. NaN loss): the run is marked failed
  | 'storage' // another IndexedDB failure
  | 'other';

export type WorkerEvent =
  | { type: 'run'; run: RunRecord } // a run record changed (status, step, error)
  | { type: 'metrics'; runId: string; points: MetricPoint[] } // new steps, in order
  | { type: 'samples'; runId: string; step: number; temperature: number; samples: Sample[] }
  | { type: 'checkpoint'; runId: string; step: number; kind: CheckpointRecord['kind'] }
  | { type: 'error'; runId?: string; kind: ErrorKind; message: string }
  | { type: 'library' }; // the list of runs changed (created, deleted, imported)

/** The page's single callback; receives events in the order they happened. */
export type EventSink = (events: WorkerEvent[]) => void;

/** A checkpoint as the test hook and the export compare it. */
export interface CheckpointBytes {
  step: number;
  bytes: ArrayBuffer;
}

/** The worker's commands. Every method rejects with an Error whose message says why. */
export interface TrainerApi {
  /** Registers the page's event callback (a Comlink.proxy); call once before anything else. */
  connect(sink: EventSink): Promise<void>;
  /** Asks for an adapter and a device; never throws: failures come back as { ok: false }. */
  probe(): Promise<Capabilities>;

  /** Creates a run in the store and starts training it. Refused while another run is training. */
  start(setup: RunSetup): Promise<RunRecord>;
  /** Lets the step in flight finish, checkpoints, and leaves the run paused (resolves when it is). */
  pause(): Promise<void>;
  /** Continues the paused run, or loads any run from its latest checkpoint and continues it. */
  resume(runId: string): Promise<void>;
  /** Lets the step in flight finish, checkpoints, and ends the run (it can still be resumed later). */
  stop(): Promise<void>;

  listRuns(): Promise<RunRecord[]>; // newest first
  getMetrics(runId: string): Promise<MetricPoint[]>; // by step
  listCheckpoints(runId: string): Promise<Omit<CheckpointRecord, 'bytes'>[]>;
  deleteRun(runId: string): Promise<void>; // refused for the run being trained
  exportRun(runId: string): Promise<Uint8Array>; // one file: record, metrics, latest checkpoint
  importRun(bytes: Uint8Array): Promise<RunRecord>; // a new run (new id); clear errors for bad files
  latestCheckpoint(runId: string): Promise<CheckpointBytes | undefined>;

  /** Destroys the GPU device as a driver reset would; the page's e2e test hook (?e2e=1) only. */
  loseDevice(): Promise<void>;
}

/** The form of RunRecord.config for pre-training runs; tolerant of older or foreign records (runs made
 *  before the corpus choice existed trained on the built-in facts). */
export function setupOf(run: RunRecord): RunSetup | undefined {
  const c = run.config as Partial<RunSetup>;
  if (!c || typeof c !== 'object' || !c.pretrain || typeof c.pretrain !== 'object' || !c.pretrain.model) return undefined;
  return { ...(c as RunSetup), corpus: c.corpus ?? 'builtin-facts' };
}
