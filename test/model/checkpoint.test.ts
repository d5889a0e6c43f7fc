// Checkpoint format: save -> load -> save is bit-exact (weights and optimiser state), corrupt files
// are refused with a reason, and a resumed trainer continues exactly where the saved one stopped.
import { describe, it, expect } from 'vitest';
import { encodeCheckpoint, decodeCheckpoint, type CheckpointHeader } from '../../src/model/checkpoint';
import { VOCAB } from '../../src/model/tokenizer';
import { buildLayout, initParams } from '../../src/model/params';
import { Pretrainer } from '../../src/model/trainer';
import { DEFAULT_PRETRAIN, type PretrainOptions } from '../../src/model/trainer-api';
import type { ModelConfig } from '../../src/model/config';
import { builtinCorpus } from '../../src/tasks/facts';
import { testGpu } from '../helpers/gpu';

const CONFIG: ModelConfig = { vocabSize: 99, contextLength: 24, dModel: 16, nLayers: 1, nHeads: 2, mlpWidth: 32 };
const OPTS: PretrainOptions = {
  ...DEFAULT_PRETRAIN,
  model: CONFIG,
  batchSize: 2,
  seqLength: 12,
  steps: 10,
  warmupSteps: 2,
};

describe('checkpoint format', () => {
  it('encodes and decodes bit-exactly, with a readable header', () => {
    const L = buildLayout(CONFIG);
    const params = initParams(CONFIG, L, 3);
    const m = params.map((x) => x * 0.5),
      v = params.map((x) => x * x);
    const bytes = encodeCheckpoint(CONFIG, 7, { params, 'adam.m': m, 'adam.v': v }, { corpus: 'builtin' });
    const ck = decodeCheckpoint(bytes);
    expect(ck.header.step).toBe(7);
    expect(ck.header.config).toEqual(CONFIG);
    expect(ck.header.tensors.map((t) => t.name)).toContain('h0.qkv.w');
    expect(Buffer.from(ck.sections['params'].buffer).equals(Buffer.from(params.buffer))).toBe(true);
    const again = encodeCheckpoint(ck.header.config, ck.header.step, ck.sections, ck.header.meta);
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  });

  it('refuses foreign, truncated and newer files with a reason', () => {
    const bytes = encodeCheckpoint(CONFIG, 1, { params: initParams(CONFIG, buildLayout(CONFIG), 1) });
    expect(() => decodeCheckpoint(new ArrayBuffer(8))).toThrow(/shorter than/);
    const bad = bytes.slice(0);
    new Uint8Array(bad)[0] = 0x41;
    expect(() => decodeCheckpoint(bad)).toThrow(/magic/);
    expect(() => decodeCheckpoint(bytes.slice(0, bytes.byteLength - 4))).toThrow(/truncated/);
    const newer = bytes.slice(0);
    new DataView(newer).setUint32(8, 99, true);
    expect(() => decodeCheckpoint(newer)).toThrow(/version 99/);
    // a well-formed container whose JSON header is not a checkpoint header
    const json = new TextEncoder().encode('{"config":null}');
    const foreign = new Uint8Array(16 + json.length);
    foreign.set(new TextEncoder().encode('EXPRLCKP'));
    new DataView(foreign.buffer).setUint32(8, 1, true);
    new DataView(foreign.buffer).setUint32(12, json.length, true);
    foreign.set(json, 16);
    expect(() => decodeCheckpoint(foreign.buffer)).toThrow(/missing its config, step, total or sections/);
  });

  it('carries the tokenizer vocabulary when the config uses it; files without it still read', () => {
    const C99 = { ...CONFIG, vocabSize: VOCAB.length };
    const bytes = encodeCheckpoint(C99, 0, { params: initParams(C99, buildLayout(C99), 1) });
    const h = decodeCheckpoint(bytes).header;
    expect(h.tokenizer).toEqual({ type: 'char', vocab: [...VOCAB], pad: 0, bos: 1, eos: 2 });
    expect(h.tokenizer!.vocab.slice(0, 5)).toEqual(['<pad>', '<bos>', '<eos>', '\n', ' ']);
    const old = rewriteHeader(bytes, (x) => void delete x.tokenizer); // as written before the field existed
    expect(decodeCheckpoint(old).header.tokenizer).toBeUndefined();
    expect(() => decodeCheckpoint(rewriteHeader(bytes, (x) => void x.tokenizer!.vocab.pop()))).toThrow(
      /tokenizer must be \{type: "char", vocab: 99 strings\}/,
    );
    const C37 = { ...CONFIG, vocabSize: 37 }; // not the character vocabulary: no tokenizer to describe
    expect(
      decodeCheckpoint(encodeCheckpoint(C37, 0, { params: initParams(C37, buildLayout(C37), 1) })).header.tokenizer,
    ).toBeUndefined();
  });

  it('refuses a step that is negative or not an integer, and a tensors table that disagrees with the config', () => {
    const params = initParams(CONFIG, buildLayout(CONFIG), 1);
    expect(() => encodeCheckpoint(CONFIG, -1, { params })).toThrow('checkpoint step must be an integer >= 0, got -1');
    const bytes = encodeCheckpoint(CONFIG, 5, { params, 'adam.m': params, 'adam.v': params });
    const cases: [(h: CheckpointHeader) => void, string | RegExp][] = [
      [(h) => void (h.step = -3), 'checkpoint step must be an integer >= 0, got -3'],
      [(h) => void (h.step = 2.5), 'checkpoint step must be an integer >= 0, got 2.5'],
      [(h) => void (h.optimizer!.step = -1), 'checkpoint optimizer.step must be an integer >= 0, got -1'],
      [
        (h) => void (h.tensors[2].name = 'h0.ln1.weight'),
        /^checkpoint tensors\[2\] is \{"name":"h0.ln1.weight","shape":\[16\],"offset":\d+\}, but the config's layout has \{"name":"h0.ln1.w","shape":\[16\],"offset":\d+\}$/,
      ],
      [
        (h) => void (h.tensors[4].shape = [48, 16]),
        /tensors\[4\] is .*"shape":\[48,16\].*layout has .*"name":"h0.qkv.w","shape":\[16,48\]/,
      ],
      [(h) => void (h.tensors[1].offset += 64), /tensors\[1\] is .*but the config's layout has/],
      [(h) => void h.tensors.pop(), /tensors table has \d+ entries, its config's layout has \d+/],
      [(h) => void ((h as { tensors: unknown }).tensors = 'none'), 'checkpoint header has no tensors table'],
    ];
    for (const [edit, msg] of cases) expect(() => decodeCheckpoint(rewriteHeader(bytes, edit))).toThrow(msg);
    expect(decodeCheckpoint(rewriteHeader(bytes, () => undefined)).header.step).toBe(5); // the rewrite itself is sound
  });

  it('GPU trainer: save -> load -> save is bit-exact and training resumes identically', async () => {
    const g = await testGpu();
    const corpus = builtinCorpus({ count: 50, maxOperand: 20, seed: 1 });
    const a = await Pretrainer.create(g, OPTS, corpus);
    for (let i = 0; i < 3; i++) await a.step();
    const saved = await a.saveCheckpoint();
    const b = await Pretrainer.fromCheckpoint(g, saved, OPTS, corpus);
    expect(b.stepCount).toBe(3);
    const resaved = await b.saveCheckpoint();
    expect(Buffer.from(resaved).equals(Buffer.from(saved))).toBe(true);
    // The next steps see the same batches, learning rates and optimiser state: bit-equal results.
    for (let i = 0; i < 2; i++) {
      const [ra, rb] = [await a.step(), await b.step()];
      expect([rb.step, rb.loss, rb.gradNorm, rb.lr]).toEqual([ra.step, ra.loss, ra.gradNorm, ra.lr]);
    }
    expect(Buffer.from(await b.saveCheckpoint()).equals(Buffer.from(await a.saveCheckpoint()))).toBe(true);
    a.destroy();
    b.destroy();
  });

  it('GPU trainer from weights: the saved weights, step 0 and a fresh optimiser', async () => {
    const g = await testGpu();
    const corpus = builtinCorpus({ count: 50, maxOperand: 20, seed: 1 });
    const a = await Pretrainer.create(g, OPTS, corpus);
    for (let i = 0; i < 3; i++) await a.step();
    const saved = await a.saveCheckpoint();
    const w = await Pretrainer.fromWeights(g, saved, { ...OPTS, lr: 1e-3 }, corpus);
    expect(w.stepCount).toBe(0);
    const ck = decodeCheckpoint(await w.saveCheckpoint());
    expect(ck.header.step).toBe(0);
    expect(
      Buffer.from(ck.sections['params'].buffer).equals(Buffer.from(decodeCheckpoint(saved).sections['params'].buffer)),
    ).toBe(true);
    expect(ck.sections['adam.m'].every((x) => x === 0)).toBe(true); // the optimiser starts afresh
    const r = await w.step();
    expect(r.step).toBe(1);
    expect(Number.isFinite(r.loss)).toBe(true);
    // its first step's learning rate follows its own schedule (warm-up from 0), not the saved run's
    expect(r.lr).toBeCloseTo((1e-3 * 1) / OPTS.warmupSteps, 9);
    a.destroy();
    w.destroy();
  });
});

/** The same checkpoint with its JSON header edited (the data sections moved to the new alignment). */
function rewriteHeader(buf: ArrayBuffer, edit: (h: CheckpointHeader) => void): ArrayBuffer {
  const dv = new DataView(buf);
  const len = dv.getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 16, len))) as CheckpointHeader;
  const data = new Uint8Array(buf, Math.ceil((16 + len) / 4) * 4);
  edit(header);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = Math.ceil((16 + json.length) / 4) * 4;
  const out = new Uint8Array(start + data.length);
  out.set(new Uint8Array(buf, 0, 12));
  new DataView(out.buffer).setUint32(12, json.length, true);
  out.set(json, 16);
  out.set(data, start);
  return out.buffer;
}
