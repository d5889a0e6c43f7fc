// Versioned checkpoint format (little-endian), readable by other tools:
//   bytes 0..7   magic "EXPRLCKP"
//   bytes 8..11  u32 format version (1)
//   bytes 12..15 u32 byte length J of the JSON header
//   bytes 16..   J bytes of UTF-8 JSON: { config, step, optimizer, tensors: [{name, shape, offset}], total, sections }
//   then zero padding to a multiple of 4, then each section in `sections` order as `total` float32 values:
//   "params" (the flat parameter buffer), then "adam.m" and "adam.v" when optimiser state is saved.
// A tensor's values are section[offset .. offset + prod(shape)).

import type { ModelConfig } from './config';
import { validateModelConfig } from './config';
import { buildLayout } from './params';

export const CHECKPOINT_MAGIC = 'EXPRLCKP';
export const CHECKPOINT_VERSION = 1;

export interface CheckpointHeader {
  config: ModelConfig;
  step: number; // optimiser steps taken
  optimizer?: { name: 'adamw'; step: number };
  tensors: { name: string; shape: number[]; offset: number }[];
  total: number; // floats per section
  sections: string[]; // e.g. ["params", "adam.m", "adam.v"]
  meta?: Record<string, unknown>; // free-form provenance (corpus, options); never secrets
}

export interface Checkpoint {
  header: CheckpointHeader;
  sections: Record<string, Float32Array>; // each (total)
}

export function encodeCheckpoint(config: ModelConfig, step: number, sections: Record<string, Float32Array>, meta?: Record<string, unknown>): ArrayBuffer {
  const layout = buildLayout(config);
  const names = Object.keys(sections);
  for (const n of names) if (sections[n].length !== layout.total) throw new Error(`section ${n} has ${sections[n].length} floats, expected ${layout.total}`);
  const header: CheckpointHeader = {
    config, step,
    optimizer: names.includes('adam.m') ? { name: 'adamw', step } : undefined,
    tensors: layout.tensors.map((t) => ({ name: t.name, shape: t.shape, offset: t.offset })),
    total: layout.total, sections: names, meta,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((16 + json.length) / 4) * 4;
  const buf = new ArrayBuffer(dataStart + names.length * layout.total * 4);
  const bytes = new Uint8Array(buf);
  bytes.set(new TextEncoder().encode(CHECKPOINT_MAGIC), 0);
  const dv = new DataView(buf);
  dv.setUint32(8, CHECKPOINT_VERSION, true);
  dv.setUint32(12, json.length, true);
  bytes.set(json, 16);
  names.forEach((n, i) => new Float32Array(buf, dataStart + i * layout.total * 4, layout.total).set(sections[n]));
  return buf;
}

export function decodeCheckpoint(buf: ArrayBuffer): Checkpoint {
  if (buf.byteLength < 16) throw new Error(`not a checkpoint: ${buf.byteLength} bytes is shorter than the 16-byte header`);
  const magic = new TextDecoder().decode(new Uint8Array(buf, 0, 8));
  if (magic !== CHECKPOINT_MAGIC) throw new Error(`not a checkpoint: magic is ${JSON.stringify(magic)}, expected ${CHECKPOINT_MAGIC}`);
  const dv = new DataView(buf);
  const version = dv.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION) throw new Error(`checkpoint format version ${version} is not supported (this build reads version ${CHECKPOINT_VERSION})`);
  const jsonLen = dv.getUint32(12, true);
  if (16 + jsonLen > buf.byteLength) throw new Error('checkpoint is truncated inside its JSON header');
  let header: CheckpointHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 16, jsonLen)));
  } catch (e) {
    throw new Error(`checkpoint header is not valid JSON: ${(e as Error).message}`);
  }
  const h = header as Partial<CheckpointHeader> | null;
  if (!h || typeof h !== 'object' || typeof h.config !== 'object' || !h.config || typeof h.step !== 'number' ||
    typeof h.total !== 'number' || !Array.isArray(h.sections) || !h.sections.every((x) => typeof x === 'string')) {
    throw new Error('checkpoint header is missing its config, step, total or sections');
  }
  validateModelConfig(header.config);
  const layout = buildLayout(header.config);
  if (header.total !== layout.total) throw new Error(`checkpoint layout (${header.total} floats) does not match its config (${layout.total})`);
  const dataStart = Math.ceil((16 + jsonLen) / 4) * 4;
  const need = dataStart + header.sections.length * header.total * 4;
  if (buf.byteLength < need) throw new Error(`checkpoint is truncated: ${buf.byteLength} bytes, expected ${need}`);
  const sections: Record<string, Float32Array> = {};
  header.sections.forEach((n, i) => {
    sections[n] = new Float32Array(buf.slice(dataStart + i * header.total * 4, dataStart + (i + 1) * header.total * 4));
  });
  return { header, sections };
}
