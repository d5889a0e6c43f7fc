// The run file: one run (record, metric series, latest checkpoint) in one shareable file, and its
// strict reader. Never carries an API key: the run record goes through redactRun on the way out and in.
//
// Container, format version 1 (all integers little-endian):
//   offset 0       8 bytes   ASCII "EXPRLRUN" (magic)
//   offset 8       u32       format version (1)
//   offset 12      u32       L: byte length of the JSON header
//   offset 16      L bytes   UTF-8 JSON {run, metrics, checkpoint}
//                              run: RunRecord (its id is replaced on import)
//                              metrics: MetricPoint[] by step; non-finite values as "NaN", "Infinity", "-Infinity"
//                              checkpoint: {step, byteLength, createdAt, crc32} or null
//                              previews (optional, added without a version change; older readers
//                              ignore it): [{kind, step, data}] generations and RL traces
//   offset 16+L    byteLength bytes of the checkpoint (the model's checkpoint format), then end of file
// crc32 is the IEEE CRC-32 of the checkpoint bytes. A reader refuses a newer format version.

import { redactRun } from './redact';
import { RUN_KINDS, RUN_STATUSES, RunFileError, type MetricPoint, type RunRecord } from './records';

export const RUN_FILE_MAGIC = 'EXPRLRUN';
export const RUN_FILE_VERSION = 1;
export const RUN_FILE_EXTENSION = '.exprlrun';
const HEADER_BYTES = 16;

export interface RunFileCheckpoint {
  step: number;
  createdAt: number;
  bytes: ArrayBuffer;
}

/** What a run file holds, decoded. */
export interface RunFile {
  run: RunRecord;
  metrics: MetricPoint[];
  checkpoint: RunFileCheckpoint | null;
  previews?: { kind: string; step: number; data: unknown }[];
}

/** Writes a run file. The record is redacted here, whatever the caller passed. */
export function encodeRunFile(file: RunFile): Uint8Array {
  const ckpt = file.checkpoint ? new Uint8Array(file.checkpoint.bytes) : new Uint8Array(0);
  const header = {
    run: redactRun(file.run),
    metrics: file.metrics.map((p) => ({ step: p.step, time: p.time, values: encodeValues(p.values) })),
    checkpoint: file.checkpoint
      ? {
          step: file.checkpoint.step,
          byteLength: ckpt.byteLength,
          createdAt: file.checkpoint.createdAt,
          crc32: crc32(ckpt),
        }
      : null,
    ...(file.previews && file.previews.length > 0 ? { previews: file.previews } : {}),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(HEADER_BYTES + json.byteLength + ckpt.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < RUN_FILE_MAGIC.length; i++) out[i] = RUN_FILE_MAGIC.charCodeAt(i);
  view.setUint32(8, RUN_FILE_VERSION, true);
  view.setUint32(12, json.byteLength, true);
  out.set(json, HEADER_BYTES);
  out.set(ckpt, HEADER_BYTES + json.byteLength);
  return out;
}

/** Reads a run file; throws RunFileError saying what is wrong (foreign, truncated, corrupt, newer). */
export function decodeRunFile(bytes: Uint8Array): RunFile {
  const n = bytes.byteLength;
  const head = String.fromCharCode(...bytes.subarray(0, Math.min(n, RUN_FILE_MAGIC.length)));
  if (head !== RUN_FILE_MAGIC.slice(0, head.length) || n === 0)
    throw new RunFileError(`This is not an ExpRL run file: it does not start with "${RUN_FILE_MAGIC}".`);
  if (n < HEADER_BYTES)
    throw new RunFileError(`The run file is truncated: ${n} bytes, less than its ${HEADER_BYTES}-byte header.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, n);
  const version = view.getUint32(8, true);
  if (version > RUN_FILE_VERSION)
    throw new RunFileError(
      `This run file has format version ${version}, newer than this page reads (up to ${RUN_FILE_VERSION}). ` +
        'Open it with a newer version of the playground.',
    );
  if (version < 1) throw new RunFileError(`The run file is corrupt: format version ${version} does not exist.`);
  const jsonLength = view.getUint32(12, true);
  if (HEADER_BYTES + jsonLength > n)
    throw new RunFileError(
      `The run file is truncated: its header says ${jsonLength} bytes of JSON, only ${n - HEADER_BYTES} follow.`,
    );

  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(
      bytes.subarray(HEADER_BYTES, HEADER_BYTES + jsonLength),
    );
    header = JSON.parse(text);
  } catch (err) {
    throw new RunFileError(`The run file is corrupt: its JSON header does not parse (${(err as Error).message}).`, {
      cause: err,
    });
  }
  const { run, metrics, checkpoint, previews } = checkHeader(header);

  const start = HEADER_BYTES + jsonLength;
  const left = n - start;
  if (!checkpoint) {
    if (left !== 0) throw new RunFileError(`The run file is corrupt: ${left} unexpected bytes after the JSON header.`);
    return { run, metrics, checkpoint: null, previews };
  }
  if (left < checkpoint.byteLength)
    throw new RunFileError(
      `The run file is truncated: the checkpoint needs ${checkpoint.byteLength} bytes, only ${left} are there.`,
    );
  if (left > checkpoint.byteLength)
    throw new RunFileError(
      `The run file is corrupt: ${left - checkpoint.byteLength} unexpected bytes after the checkpoint.`,
    );
  const ckpt = bytes.slice(start, n);
  if (crc32(ckpt) !== checkpoint.crc32)
    throw new RunFileError('The run file is corrupt: the checkpoint bytes fail their CRC-32 check.');
  return {
    run,
    metrics,
    checkpoint: { step: checkpoint.step, createdAt: checkpoint.createdAt, bytes: ckpt.buffer },
    previews,
  };
}

/** Validates the JSON header's shape; the messages name the first field that is wrong. */
function checkHeader(h: unknown): {
  run: RunRecord;
  metrics: MetricPoint[];
  checkpoint: { step: number; byteLength: number; createdAt: number; crc32: number } | null;
  previews: RunFile['previews'];
} {
  const bad = (what: string): never => {
    throw new RunFileError(`The run file is corrupt: ${what}.`);
  };
  if (!isObject(h)) return bad('its JSON header is not an object');
  const run = h.run;
  if (!isObject(run)) return bad('it has no run record');
  if (typeof run.name !== 'string') bad('run.name is not a string');
  if (!RUN_KINDS.includes(run.kind as RunRecord['kind'])) bad(`run.kind "${String(run.kind)}" is unknown`);
  if (!RUN_STATUSES.includes(run.status as RunRecord['status'])) bad(`run.status "${String(run.status)}" is unknown`);
  if (!isObject(run.config)) bad('run.config is not an object');
  for (const f of ['step', 'totalSteps', 'createdAt', 'updatedAt'])
    if (typeof run[f] !== 'number' || !Number.isFinite(run[f])) bad(`run.${f} is not a number`);
  for (const f of ['adapter', 'error', 'notes'])
    if (run[f] !== undefined && typeof run[f] !== 'string') bad(`run.${f} is not text`);
  if (!Array.isArray(h.metrics)) return bad('metrics is not a list');
  const metrics = h.metrics.map((p: unknown, i: number) => {
    if (!isObject(p) || typeof p.step !== 'number' || typeof p.time !== 'number' || !isObject(p.values))
      return bad(`metric point ${i} is malformed`);
    return {
      step: p.step,
      time: p.time,
      values: decodeValues(p.values, () => bad(`metric point ${i} has a non-numeric value`)),
    };
  });
  const c = h.checkpoint;
  if (c !== null) {
    if (!isObject(c)) return bad('checkpoint is neither an object nor null');
    for (const f of ['step', 'byteLength', 'createdAt', 'crc32'])
      if (typeof c[f] !== 'number' || !Number.isInteger(c[f]) || (c[f] as number) < 0)
        bad(`checkpoint.${f} is not a whole number`);
  }
  let previews: RunFile['previews'];
  if (h.previews !== undefined) {
    if (!Array.isArray(h.previews)) return bad('previews is not a list');
    previews = h.previews.map((p: unknown, i: number) => {
      if (!isObject(p) || typeof p.kind !== 'string' || typeof p.step !== 'number' || !Number.isInteger(p.step))
        return bad(`preview ${i} is malformed`);
      return { kind: p.kind, step: p.step, data: p.data };
    });
  }
  if (run.importedAt !== undefined && typeof run.importedAt !== 'number') bad('run.importedAt is not a number');
  return { run: redactRun(run as unknown as RunRecord), metrics, checkpoint: c as never, previews };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// JSON has no NaN or Infinity (a diverged loss is NaN): such values travel as strings.
function encodeValues(values: Record<string, number>): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(values)) out[k] = Number.isFinite(v) ? v : String(v);
  return out;
}

function decodeValues(values: Record<string, unknown>, fail: () => never): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'number') out[k] = v;
    else if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') out[k] = Number(v);
    else fail();
  }
  return out;
}

let crcTable: Uint32Array | undefined;

/** IEEE CRC-32 (the zip/PNG polynomial 0xEDB88320), as an unsigned 32-bit integer. */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
