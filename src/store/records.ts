// Records of the runs library (IndexedDB) and the errors it throws. Plain data only, so the page,
// the worker and the export file all share these shapes; the database layout itself is in schema.ts.

export type RunKind = 'pretrain' | 'midtrain' | 'posttrain';
export type RunStatus = 'running' | 'paused' | 'stopped' | 'done' | 'failed' | 'interrupted';
export type CheckpointKind = 'latest' | 'periodic';

export const RUN_KINDS: readonly RunKind[] = ['pretrain', 'midtrain', 'posttrain'];
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'paused', 'stopped', 'done', 'failed', 'interrupted'];

export interface RunRecord {
  id: string;
  name: string;
  kind: RunKind;
  createdAt: number; // ms since epoch
  updatedAt: number; // ms since epoch, bumped by every updateRun
  status: RunStatus;
  config: Record<string, unknown>; // plain JSON; secrets are stripped before it is stored (see redactRun)
  step: number; // optimiser steps done
  totalSteps: number;
  adapter?: string; // GPU adapter description the run trained on
  error?: string; // why it failed (status 'failed'), or what stopped it (a judge that cannot grade)
  notes?: string;
  importedAt?: number; // ms since epoch, when the run came into this library from a run file
  evaluation?: RunEvaluation; // held-out evaluation after the run's training, when it had one
}

/** A run's held-out evaluation (the shape of src/run/eval-job.ts EvalResult, plain data). */
export interface RunEvaluation {
  n: number; // samples per problem
  k: number; // pass@k
  temperature: number;
  perProblem: { id: string; c: number }[];
  passAt1: number;
  passAtK: number;
  passAt?: Record<string, number>; // pass@k for k = 1, 4, 8, 16 up to n (absent in older records)
  stepsInOrder?: number | null; // the verifier: mean share of a problem's steps right in order
  allSteps?: number | null; // the verifier: share of samples with every step right
  judgeScore: number | null;
  judgeFailures: number;
  meanLength: number;
  examples: { id: string; prompt: string; answer: string; response: string; correct: 0 | 1 }[];
}

/** Something a run showed people (generations, RL traces of a step), kept with the run. */
export interface PreviewRecord {
  runId: string;
  kind: string; // 'samples' | 'traces'
  step: number;
  data: unknown; // plain data (src/run/previews.ts shapes)
}

/** One logged moment of a run, e.g. {'pretrain/loss': 2.1, 'pretrain/tokens_per_s': 900} (names: src/run/metric-names.ts). */
export interface MetricPoint {
  step: number;
  time: number; // ms since epoch
  values: Record<string, number>;
}

export interface CheckpointRecord {
  runId: string;
  step: number;
  createdAt: number;
  bytes: ArrayBuffer; // the model's checkpoint format, opaque to the store
  kind: CheckpointKind; // 'latest' is replaced by each newer one; 'periodic' ones are kept
}

/** How metrics sit on disk: one record per appended batch, so an append is one small write. */
export interface MetricChunk {
  runId: string;
  firstStep: number; // smallest step in points
  seq: number; // tie-breaker between chunks that start at the same step (append order)
  lastStep: number; // largest step in points
  points: MetricPoint[]; // sorted by step
}

/** The browser refused a write because its storage quota is full. The write was rolled back whole;
 *  everything saved before it is intact. `unsaved` names what was not saved. */
export class QuotaExceededStoreError extends Error {
  readonly unsaved: string;
  constructor(unsaved = 'the last change', options?: { cause?: unknown }) {
    super(
      `Browser storage is full: ${unsaved} was not saved. Everything saved before is intact. ` +
        'Free space by deleting old runs or checkpoints (export them first to keep them), ' +
        'or allow this site more storage in the browser settings.',
      options,
    );
    this.name = 'QuotaExceededStoreError';
    this.unsaved = unsaved;
  }
}

/** A run file that cannot be imported: not a run file, truncated, corrupt, or from a newer version. */
export class RunFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunFileError';
  }
}

/** A run id that the library does not hold (deleted, or never created here). */
export class RunNotFoundError extends Error {
  constructor(readonly runId: string) {
    super(`No run with id "${runId}" in this browser's run library.`);
    this.name = 'RunNotFoundError';
  }
}
