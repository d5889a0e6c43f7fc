// Where an experiment keeps its files, and reading them back: runs/<name>/results.json (+ .md, .csv),
// the start model, and per cell seed-<s>/<arm>/<stage>/ with the training job's checkpoint and metrics
// and the evaluation's checkpoint. Everything a stopped experiment needs to continue lives here.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetricPoint } from '../../store/records';
import { readJsonl } from '../../util/jsonl';
import type { ArmId } from '../../experiment/arms';
import type { Stage } from '../../experiment/results';

export interface CellPaths {
  dir: string;
  train: string; // the training job's checkpoint (its final one once done)
  metrics: string; // the training job's metric points (JSONL)
  eval: string; // the evaluation job's checkpoint
}

export function cellPaths(root: string, seed: number, arm: ArmId, stage: Stage): CellPaths {
  const dir = join(root, `seed-${seed}`, arm, stage);
  return {
    dir,
    train: join(dir, 'train.ckpt'),
    metrics: join(dir, 'train.ckpt.metrics.jsonl'),
    eval: join(dir, 'eval.ckpt'),
  };
}

/** The bytes of a file as an ArrayBuffer of their own, or undefined when it does not exist. */
export async function readBytes(path: string): Promise<ArrayBuffer | undefined> {
  try {
    const b = await readFile(path);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The metric points of a cell's training, in step order (none when it has not started). */
export async function readCurve(path: string): Promise<MetricPoint[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  const r = readJsonl(text);
  if (r.errors.length > 0) throw new Error(`${path}: line ${r.errors[0].line}: ${r.errors[0].reason}`);
  return (r.rows.map((x) => x.value) as MetricPoint[]).sort((a, b) => a.step - b.step);
}
