// Checkpoint format: save -> load -> save is bit-exact (weights and optimiser state), corrupt files
// are refused with a reason, and a resumed trainer continues exactly where the saved one stopped.
import { describe, it, expect } from 'vitest';
import { encodeCheckpoint, decodeCheckpoint } from '../../src/model/checkpoint';
import { buildLayout, initParams } from '../../src/model/params';
import { Pretrainer } from '../../src/model/trainer';
import { DEFAULT_PRETRAIN, type PretrainOptions } from '../../src/model/trainer-api';
import type { ModelConfig } from '../../src/model/config';
import { builtinCorpus } from '../../src/tasks/facts';
import { testGpu } from '../helpers/gpu';

const CONFIG: ModelConfig = { vocabSize: 99, contextLength: 24, dModel: 16, nLayers: 1, nHeads: 2, mlpWidth: 32 };
const OPTS: PretrainOptions = { ...DEFAULT_PRETRAIN, model: CONFIG, batchSize: 2, seqLength: 12, steps: 10, warmupSteps: 2 };

describe('checkpoint format', () => {
  it('encodes and decodes bit-exactly, with a readable header', () => {
    const L = buildLayout(CONFIG);
    const params = initParams(CONFIG, L, 3);
    const m = params.map((x) => x * 0.5), v = params.map((x) => x * x);
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
});
