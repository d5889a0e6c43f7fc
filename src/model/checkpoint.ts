// Versioned checkpoint format (little-endian), readable by other tools:
//   bytes 0..7   magic "EXPRLCKP"
//   bytes 8..11  u32 format version (1)
//   bytes 12..15 u32 byte length J of the JSON header
//   bytes 16..   J bytes of UTF-8 JSON: { config, step, optimizer, tensors: [{name, shape, offset}], total, sections,
//                tokenizer, meta }
//   then zero padding to a multiple of 4, then each section in `sections` order as `total` float32 values:
//   "params" (the flat parameter buffer), then "adam.m" and "adam.v" when optimiser state is saved.
// A tensor's values are section[offset .. offset + prod(shape)). `tokenizer` (the character vocabulary,
// so a file explains itself) is optional: files written before it existed read as before.
// Readers check the header against the config's layout, so what other tools are told to read is right.

import type { ModelConfig } from './config';
import { validateModelConfig } from './config';
import { buildLayout } from './params';
import { BOS_ID, EOS_ID, PAD_ID, VOCAB } from './tokenizer';

export const CHECKPOINT_MAGIC = 'EXPRLCKP';
export const CHECKPOINT_VERSION = 1;

export interface CheckpointHeader {
  config: ModelConfig;
  step: number; // optimiser steps taken
  optimizer?: { name: 'adamw'; step: number };
  tensors: { name: string; shape: number[]; offset: number }[];
  total: number; // floats per section
  sections: string[]; // e.g. ["params", "adam.m", "adam.v"]
  tokenizer?: CheckpointTokenizer; // present when the config uses the character vocabulary
  meta?: Record<string, unknown>; // free-form provenance (corpus, options); never secrets
}

/** The character tokenizer: token id i is vocab[i]; ids pad, bos, eos are special and decode to no text. */
export interface CheckpointTokenizer {
  type: 'char';
  vocab: string[];
  pad: number;
  bos: number;
  eos: number;
}

/** The tokenizer block written into checkpoints whose vocabSize is the character vocabulary's. */
export function charTokenizer(): CheckpointTokenizer {
  return { type: 'char', vocab: [...VOCAB], pad: PAD_ID, bos: BOS_ID, eos: EOS_ID };
}

export interface Checkpoint {
  header: CheckpointHeader;
  sections: Record<string, Float32Array>; // each (total)
}

export function encodeCheckpoint(
  config: ModelConfig,
  step: number,
  sections: Record<string, Float32Array>,
  meta?: Record<string, unknown>,
): ArrayBuffer {
  if (!Number.isInteger(step) || step < 0) throw new Error(`checkpoint step must be an integer >= 0, got ${step}`);
  const layout = buildLayout(config);
  const names = Object.keys(sections);
  for (const n of names)
    if (sections[n].length !== layout.total)
      throw new Error(`section ${n} has ${sections[n].length} floats, expected ${layout.total}`);
  const header: CheckpointHeader = {
    config,
    step,
    optimizer: names.includes('adam.m') ? { name: 'adamw', step } : undefined,
    tensors: layout.tensors.map((t) => ({ name: t.name, shape: t.shape, offset: t.offset })),
    total: layout.total,
    sections: names,
    ...(config.vocabSize === VOCAB.length ? { tokenizer: charTokenizer() } : {}),
    meta,
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
  if (buf.byteLength < 16)
    throw new Error(`not a checkpoint: ${buf.byteLength} bytes is shorter than the 16-byte header`);
  const magic = new TextDecoder().decode(new Uint8Array(buf, 0, 8));
  if (magic !== CHECKPOINT_MAGIC)
    throw new Error(`not a checkpoint: magic is ${JSON.stringify(magic)}, expected ${CHECKPOINT_MAGIC}`);
  const dv = new DataView(buf);
  const version = dv.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION)
    throw new Error(
      `checkpoint format version ${version} is not supported (this build reads version ${CHECKPOINT_VERSION})`,
    );
  const jsonLen = dv.getUint32(12, true);
  if (16 + jsonLen > buf.byteLength) throw new Error('checkpoint is truncated inside its JSON header');
  let header: CheckpointHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 16, jsonLen)));
  } catch (e) {
    throw new Error(`checkpoint header is not valid JSON: ${(e as Error).message}`);
  }
  const h = header as Partial<CheckpointHeader> | null;
  if (
    !h ||
    typeof h !== 'object' ||
    typeof h.config !== 'object' ||
    !h.config ||
    typeof h.step !== 'number' ||
    typeof h.total !== 'number' ||
    !Array.isArray(h.sections) ||
    !h.sections.every((x) => typeof x === 'string')
  ) {
    throw new Error('checkpoint header is missing its config, step, total or sections');
  }
  validateModelConfig(header.config);
  checkHeader(header);
  const dataStart = Math.ceil((16 + jsonLen) / 4) * 4;
  const need = dataStart + header.sections.length * header.total * 4;
  if (buf.byteLength < need) throw new Error(`checkpoint is truncated: ${buf.byteLength} bytes, expected ${need}`);
  const sections: Record<string, Float32Array> = {};
  header.sections.forEach((n, i) => {
    sections[n] = new Float32Array(buf.slice(dataStart + i * header.total * 4, dataStart + (i + 1) * header.total * 4));
  });
  return { header, sections };
}

/** Refuses a header whose step, tensor table, total or tokenizer disagree with its config. */
function checkHeader(h: CheckpointHeader): void {
  if (!Number.isInteger(h.step) || h.step < 0)
    throw new Error(`checkpoint step must be an integer >= 0, got ${h.step}`);
  if (h.optimizer !== undefined && (!Number.isInteger(h.optimizer?.step) || h.optimizer.step < 0)) {
    throw new Error(`checkpoint optimizer.step must be an integer >= 0, got ${JSON.stringify(h.optimizer?.step)}`);
  }
  const layout = buildLayout(h.config);
  if (h.total !== layout.total)
    throw new Error(`checkpoint layout (${h.total} floats) does not match its config (${layout.total})`);
  if (!Array.isArray(h.tensors)) throw new Error('checkpoint header has no tensors table');
  if (h.tensors.length !== layout.tensors.length) {
    throw new Error(
      `checkpoint tensors table has ${h.tensors.length} entries, its config's layout has ${layout.tensors.length}`,
    );
  }
  layout.tensors.forEach((want, i) => {
    const got = h.tensors[i] as Partial<CheckpointHeader['tensors'][number]> | null;
    const same =
      got !== null &&
      typeof got === 'object' &&
      got.name === want.name &&
      got.offset === want.offset &&
      Array.isArray(got.shape) &&
      got.shape.length === want.shape.length &&
      got.shape.every((d, j) => d === want.shape[j]);
    if (!same) {
      throw new Error(
        `checkpoint tensors[${i}] is ${JSON.stringify(got)}, but the config's layout has ` +
          `${JSON.stringify({ name: want.name, shape: want.shape, offset: want.offset })}`,
      );
    }
  });
  if (h.tokenizer !== undefined) {
    const t = h.tokenizer;
    if (
      t?.type !== 'char' ||
      !Array.isArray(t.vocab) ||
      !t.vocab.every((c) => typeof c === 'string') ||
      t.vocab.length !== h.config.vocabSize
    ) {
      throw new Error(
        `checkpoint tokenizer must be {type: "char", vocab: ${h.config.vocabSize} strings}, as config.vocabSize says`,
      );
    }
  }
}
