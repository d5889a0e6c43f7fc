// Runs an experiment's cells in order, each a job under the shared lifecycle, resumable at every
// step: per seed, Base's evaluation of the start model, then for each arm its Stage I (SFT or RL),
// its evaluation, its Stage II (sparse GRPO from the Stage I weights, fresh AdamW) and that
// evaluation. results.json (+ results.md, curves.csv) is rewritten after every finished cell, so a
// stop loses at most the steps since a cell's last checkpoint; running again continues from there.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Gpu } from '../../gpu/dispatch';
import { startFromCheckpoint, type RlStart } from '../../rl/start-weights';
import type { RunJob } from '../../run/job';
import type { EvalJob } from '../../run/eval-job';
import { ARMS, type ArmId } from '../../experiment/arms';
import { evaluationJob, trainingJob, type CellWorld } from '../../experiment/cell-jobs';
import { curvesCsv, resultsMarkdown, type CellResult, type ResultsFile, type Stage } from '../../experiment/results';
import { driveToFiles, stopWasRequested, writeFileAtomic } from '../drive';
import { cellPaths, readBytes, readCurve } from './cell-files';
import { Progress, type StepKind } from './progress';
import { addCounts, curveFailures } from '../../run/grade-failures';

export class StoppedError extends Error {
  constructor(where: string) {
    super(`stopped during ${where}; run the same command again to continue from the last checkpoint`);
    this.name = 'StoppedError';
  }
}

const STAGE_NAME: Record<Stage, string> = { stage1: 'Stage I', stage2: 'Stage II' };
const CHECKPOINT_EVERY = 2; // training steps between cell checkpoints (a step takes seconds to minutes here)

export interface RunnerContext {
  gpu: Gpu;
  root: string; // runs/<name>
  world: CellWorld;
  start: RlStart; // the pre-trained model every arm starts from
  results: ResultsFile;
  progress: Progress;
  log: (line: string) => void;
}

/** Every cell of the experiment in run order. */
export function cellOrder(world: CellWorld): { arm: ArmId; stage: Stage; seed: number }[] {
  const o = world.options;
  const out: { arm: ArmId; stage: Stage; seed: number }[] = [];
  for (const seed of o.seeds) {
    for (const arm of o.arms) {
      out.push({ arm, stage: 'stage1', seed });
      if (o.stageII.steps > 0) out.push({ arm, stage: 'stage2', seed });
    }
  }
  return out;
}

function findCell(r: ResultsFile, arm: ArmId, stage: Stage, seed: number): CellResult {
  let c = r.cells.find((x) => x.arm === arm && x.stage === stage && x.seed === seed);
  if (!c)
    r.cells.push((c = { arm, stage, seed, status: 'pending', steps: 0, trainSeconds: 0, evalSeconds: 0, curve: [] }));
  return c;
}

/** Steps every unfinished cell still has to take, by kind (for the time-left estimate). */
export function countRemaining(ctx: RunnerContext): void {
  const o = ctx.world.options,
    rem = ctx.progress.remaining;
  const evalSteps = Math.ceil(Math.min(o.eval.problems, ctx.world.eval.length) / o.eval.problemsPerStep);
  for (const { arm, stage, seed } of cellOrder(ctx.world)) {
    if (findCell(ctx.results, arm, stage, seed).status === 'done') continue;
    const spec = ARMS[arm];
    if (stage === 'stage2') rem.rl += o.stageII.steps;
    else if (spec.stageI === 'sft') rem.sft += o.stageI.steps;
    else if (spec.stageI === 'rl') rem.rl += o.stageI.steps;
    rem.eval += evalSteps;
  }
  ctx.progress.counted = true;
}

/** Whether a cell is done (a finished cell counts no further steps, calls or time). */
export function cellDone(r: ResultsFile, arm: ArmId, stage: Stage, seed: number): boolean {
  return r.cells.some((c) => c.arm === arm && c.stage === stage && c.seed === seed && c.status === 'done');
}

async function drive(
  ctx: RunnerContext,
  job: RunJob,
  checkpointPath: string,
  metricsPath: string | undefined,
  name: string,
  kind: StepKind,
): Promise<void> {
  ctx.progress.mark();
  const out = await driveToFiles(job, {
    checkpointPath,
    metricsPath,
    checkpointEvery: kind === 'eval' ? 1 : CHECKPOINT_EVERY,
    device: ctx.gpu.device,
    onStep: (p) => ctx.progress.step(name, kind, p, job.total),
  });
  if (out.status === 'failed')
    throw new Error(
      `${name}: ${out.error}; the cell is left unfinished: run the same command again to continue from its last checkpoint`,
    );
  if (out.status === 'lost')
    throw new Error(`${name}: ${out.cause}; run the same command again to continue from the last checkpoint`);
  if (out.status !== 'done' || stopWasRequested()) throw new StoppedError(name);
}

/** Trains one cell (or resumes it); returns the model it ends with. */
async function trainCell(
  ctx: RunnerContext,
  arm: ArmId,
  stage: Stage,
  seed: number,
  from: RlStart,
  cell: CellResult,
): Promise<RlStart> {
  const p = cellPaths(ctx.root, seed, arm, stage);
  const saved = await readBytes(p.train);
  const job = trainingJob(ctx.gpu, ctx.world, ARMS[arm], stage, seed, saved ? { resume: saved } : { start: from });
  const t0 = performance.now();
  try {
    await drive(
      ctx,
      job,
      p.train,
      p.metrics,
      `${arm} · ${STAGE_NAME[stage]} · seed ${seed}`,
      job.kind === 'sft' ? 'sft' : 'rl',
    );
    cell.steps = job.stepCount;
  } finally {
    job.destroy();
    cell.trainSeconds += (performance.now() - t0) / 1000;
  }
  cell.curve = await readCurve(p.metrics);
  return startFromCheckpoint((await readBytes(p.train)) as ArrayBuffer);
}

async function evalCell(
  ctx: RunnerContext,
  arm: ArmId,
  stage: Stage,
  seed: number,
  model: RlStart,
  cell: CellResult,
): Promise<void> {
  const p = cellPaths(ctx.root, seed, arm, stage);
  const saved = await readBytes(p.eval);
  const job: EvalJob = evaluationJob(ctx.gpu, ctx.world, seed, saved ? { resume: saved } : model);
  const t0 = performance.now();
  try {
    await drive(ctx, job, p.eval, undefined, `${arm} · eval after ${STAGE_NAME[stage]} · seed ${seed}`, 'eval');
    cell.eval = job.result();
  } finally {
    job.destroy();
    cell.evalSeconds += (performance.now() - t0) / 1000;
  }
}

/** Writes results.json, results.md and curves.csv (each whole, then renamed). */
export async function saveResults(ctx: RunnerContext): Promise<void> {
  const r = ctx.results;
  r.updatedAt = new Date().toISOString();
  r.complete = cellOrder(ctx.world).every(({ arm, stage, seed }) => findCell(r, arm, stage, seed).status === 'done');
  await writeFileAtomic(join(ctx.root, 'results.json'), JSON.stringify(r, null, 1));
  await writeFileAtomic(join(ctx.root, 'results.md'), resultsMarkdown(r));
  await writeFileAtomic(join(ctx.root, 'curves.csv'), curvesCsv(r));
}

/** Runs every unfinished cell in order. Throws StoppedError when asked to stop (Ctrl-C). */
export async function runCells(ctx: RunnerContext): Promise<void> {
  const stage1Model = new Map<string, RlStart>(); // `${arm}:${seed}` -> weights after Stage I
  for (const { arm, stage, seed } of cellOrder(ctx.world)) {
    const cell = findCell(ctx.results, arm, stage, seed);
    const key = `${arm}:${seed}`;
    if (cell.status === 'done') continue;
    let model: RlStart;
    if (stage === 'stage1') {
      model = ARMS[arm].stageI === 'none' ? ctx.start : await trainCell(ctx, arm, stage, seed, ctx.start, cell);
      stage1Model.set(key, model);
    } else {
      let from = stage1Model.get(key);
      if (!from) {
        const p1 = cellPaths(ctx.root, seed, arm, 'stage1');
        from =
          ARMS[arm].stageI === 'none' || !existsSync(p1.train)
            ? ctx.start
            : startFromCheckpoint((await readBytes(p1.train)) as ArrayBuffer);
      }
      model = await trainCell(ctx, arm, stage, seed, from, cell);
    }
    await evalCell(ctx, arm, stage, seed, model, cell);
    cell.judgeFailures = addCounts(curveFailures(cell.curve), cell.eval?.judgeFailuresByCause ?? {});
    cell.status = 'done';
    await saveResults(ctx);
    const e = cell.eval;
    if (e)
      ctx.log(
        `[${arm} · ${STAGE_NAME[stage]} · seed ${seed}] done: pass@1 ${(100 * e.passAt1).toFixed(1)}%  pass@${e.k} ${(100 * e.passAtK).toFixed(1)}%` +
          `${e.judgeScore !== null ? `  judge ${e.judgeScore.toFixed(3)}` : ''}  (train ${Math.round(cell.trainSeconds)} s, eval ${Math.round(cell.evalSeconds)} s)`,
      );
  }
}
