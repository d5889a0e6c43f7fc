// Drives a RunJob from a terminal through the shared lifecycle (src/run/lifecycle.ts): checkpoints
// go to a file (written whole, then renamed, so a stop never leaves half a file), metric points are
// appended to a JSONL file beside it, Ctrl-C asks for a stop after the step in flight, and a lost
// device ends the run with the step of its last good checkpoint.

import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RunDriver, type Outcome } from '../run/lifecycle';
import type { JobStep, Preview, RunJob } from '../run/job';
import type { MetricPoint } from '../store/records';

export interface FileRunOptions {
  checkpointPath: string; // the job's latest checkpoint
  metricsPath?: string; // JSONL, one MetricPoint per line (appended)
  checkpointEvery: number; // steps between checkpoints (the end always writes one)
  device?: GPUDevice; // watched for loss
  onStep?: (point: MetricPoint, r: JobStep) => void;
  onPreview?: (p: Preview) => void;
}

/** Writes bytes to `path` atomically (a temporary file renamed over it). */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

/** Keeps only the metric points up to `step` (a resumed job redoes the steps after its checkpoint). */
export async function truncateMetricsFile(path: string, step: number): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return; // no metrics yet
  }
  const kept = text.split('\n').filter((l) => l.trim() !== '' && (JSON.parse(l) as MetricPoint).step <= step);
  await writeFileAtomic(path, kept.map((l) => l + '\n').join(''));
}

let stopRequested = false; // Ctrl-C: this job stops after its step in flight, and no later job starts

/** Whether Ctrl-C asked the process to stop (a runner of several jobs checks it between them). */
export function stopWasRequested(): boolean {
  return stopRequested;
}

/** Runs the job to its total (or until Ctrl-C); returns the lifecycle's outcome. */
export async function driveToFiles(job: RunJob, o: FileRunOptions): Promise<Outcome> {
  let lost: string | undefined;
  const lostP = o.device?.lost.then((info) => (lost = `the GPU device was lost (${info.message || info.reason})`));
  const driver = new RunDriver(
    job,
    {
      saveMetrics: async (points) => {
        if (o.metricsPath) await appendFile(o.metricsPath, points.map((p) => JSON.stringify(p) + '\n').join(''));
      },
      saveCheckpoint: (_step, bytes) => writeFileAtomic(o.checkpointPath, new Uint8Array(bytes)),
      onStep: o.onStep,
      onPreview: o.onPreview,
      guard: <T>(work: Promise<T>) =>
        lostP
          ? Promise.race([
              work,
              lostP.then((): never => {
                throw new Error(lost);
              }),
            ])
          : work,
      lostCause: async () => lost,
    },
    { checkpointEvery: o.checkpointEvery, periodicEvery: 0, flushMs: 5000, previewEvery: 0 },
  );
  if (o.metricsPath) {
    await mkdir(dirname(o.metricsPath), { recursive: true });
    await truncateMetricsFile(o.metricsPath, job.stepCount);
  }
  const onInt = () => {
    if (stopRequested) process.exit(130); // a second Ctrl-C: stop at once
    console.error('\nstopping after the step in flight (Ctrl-C again to quit at once)');
    stopRequested = true;
    driver.want = 'stop';
  };
  if (stopRequested) driver.want = 'stop';
  process.on('SIGINT', onInt);
  try {
    return await driver.run();
  } finally {
    process.off('SIGINT', onInt);
  }
}

/** One line for an outcome that is not 'done'; throws for failures so the CLI exits non-zero; a stop exits 130. */
export function reportOutcome(out: Outcome, checkpointPath: string, stepCount: number): void {
  if (out.status === 'failed') throw new Error(out.error);
  if (out.status === 'lost')
    throw new Error(
      `${out.cause}: the checkpoint ${checkpointPath} holds the last good state; run the same command with --resume`,
    );
  if (out.status === 'stopped') {
    console.log(
      `stopped at step ${stepCount}; checkpoint ${checkpointPath}; run the same command with --resume to continue`,
    );
    process.exitCode = 130; // as a shell reports a command stopped by Ctrl-C
  }
}
