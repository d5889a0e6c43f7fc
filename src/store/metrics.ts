// Pure helpers for metric chunks: cut a batch of points into chunk records, and put chunks back
// together into one series in step order. No IndexedDB here; store.ts and schema.ts do the I/O.

import type { MetricChunk, MetricPoint } from './records';

/** Points per chunk when a long series is written at once (v1 migration, import). */
export const CHUNK_POINTS = 1024;

/** Sorts by step, keeping the given order among equal steps (Array.prototype.sort is stable). */
export function sortByStep(points: MetricPoint[]): MetricPoint[] {
  return points.sort((a, b) => a.step - b.step);
}

/** One chunk record for a batch of points (at least one point). */
export function makeChunk(runId: string, points: MetricPoint[], seq: number): MetricChunk {
  if (points.length === 0) throw new Error('makeChunk: a chunk needs at least one point');
  const sorted = sortByStep(points.map(copyPoint));
  return { runId, firstStep: sorted[0].step, seq, lastStep: sorted[sorted.length - 1].step, points: sorted };
}

/** Chunk records for a long series, CHUNK_POINTS at a time, with seq values from `firstSeq` up. */
export function chunkSeries(
  runId: string,
  points: MetricPoint[],
  firstSeq: number,
  size = CHUNK_POINTS,
): MetricChunk[] {
  const sorted = sortByStep(points.slice());
  const chunks: MetricChunk[] = [];
  for (let i = 0; i < sorted.length; i += size)
    chunks.push(makeChunk(runId, sorted.slice(i, i + size), firstSeq + chunks.length));
  return chunks;
}

/** The whole series of a run from its chunks (in any order), sorted by step. */
export function mergeChunks(chunks: MetricChunk[]): MetricPoint[] {
  const ordered = chunks.slice().sort((a, b) => a.firstStep - b.firstStep || a.seq - b.seq);
  const out: MetricPoint[] = [];
  for (const c of ordered) for (const p of c.points) out.push(p);
  return sortByStep(out);
}

/** A point is valid when step and time are finite numbers and every value is a number. */
export function checkPoint(p: MetricPoint): void {
  const ok =
    p !== null &&
    typeof p === 'object' &&
    Number.isFinite(p.step) &&
    Number.isFinite(p.time) &&
    p.values !== null &&
    typeof p.values === 'object' &&
    Object.values(p.values).every((v) => typeof v === 'number');
  if (!ok) throw new TypeError(`invalid metric point ${JSON.stringify(p)}: needs finite step and time, numeric values`);
}

function copyPoint(p: MetricPoint): MetricPoint {
  checkPoint(p);
  return { step: p.step, time: p.time, values: { ...p.values } };
}
