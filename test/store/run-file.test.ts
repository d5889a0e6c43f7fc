// The run file container: exact layout, byte-for-byte round trip (NaN metrics included), no secrets,
// and a clear RunFileError for foreign, truncated, corrupt and newer-version files.

import { describe, expect, it } from 'vitest';
import { crc32, decodeRunFile, encodeRunFile, RUN_FILE_VERSION, type RunFile } from '../../src/store/run-file';
import { RunFileError, type MetricPoint, type RunRecord } from '../../src/store/records';
import { mulberry32 } from '../../src/util/rng';

function sampleFile(ckptBytes = 300): RunFile {
  const rng = mulberry32(7);
  const bytes = new Uint8Array(ckptBytes);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rng() * 256);
  const run: RunRecord = {
    id: 'run-a',
    name: 'tiny ✓ run',
    kind: 'pretrain',
    createdAt: 1000,
    updatedAt: 2000,
    status: 'paused',
    config: { model: { nLayer: 2 }, judge: { baseUrl: 'http://x', apiKey: 'sk-' + 'q'.repeat(24) } },
    step: 40,
    totalSteps: 100,
    adapter: 'SwiftShader',
  };
  const metrics: MetricPoint[] = [
    { step: 1, time: 10, values: { 'train/loss': 3.5, 'perf/tokens_per_s': 900 } },
    { step: 2, time: 20, values: { 'train/loss': NaN, 'train/grad_norm': Infinity, 'x/neg': -Infinity } },
  ];
  return { run, metrics, checkpoint: { step: 40, createdAt: 1500, bytes: bytes.buffer } };
}

function expectFileError(bytes: Uint8Array, pattern: RegExp): void {
  let caught: unknown;
  try {
    decodeRunFile(bytes);
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected RunFileError ${pattern}`).toBeInstanceOf(RunFileError);
  expect((caught as Error).message).toMatch(pattern);
}

describe('run file container', () => {
  it('has the documented layout', () => {
    const out = encodeRunFile(sampleFile(300));
    expect(new TextDecoder().decode(out.subarray(0, 8))).toBe('EXPRLRUN');
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    expect(view.getUint32(8, true)).toBe(RUN_FILE_VERSION);
    const L = view.getUint32(12, true);
    expect(out.byteLength).toBe(16 + L + 300);
    const header = JSON.parse(new TextDecoder().decode(out.subarray(16, 16 + L)));
    expect(header.checkpoint).toEqual({
      step: 40,
      byteLength: 300,
      createdAt: 1500,
      crc32: crc32(new Uint8Array(sampleFile().checkpoint!.bytes)),
    });
    expect(header.run.name).toBe('tiny ✓ run');
  });

  it('round-trips byte for byte, non-finite metrics included, without the API key', () => {
    const file = sampleFile(1000);
    const out = encodeRunFile(file);
    const back = decodeRunFile(out);
    expect(back.metrics).toEqual(file.metrics);
    expect(Number.isNaN(back.metrics[1].values['train/loss'])).toBe(true);
    expect(new Uint8Array(back.checkpoint!.bytes)).toEqual(new Uint8Array(file.checkpoint!.bytes));
    expect(back.checkpoint!.step).toBe(40);
    expect(back.run.config).toEqual({ model: { nLayer: 2 }, judge: { baseUrl: 'http://x' } });
    expect(new TextDecoder().decode(out)).not.toContain('sk-');
    expect(back.run.adapter).toBe('SwiftShader');
  });

  it('round-trips a run without a checkpoint', () => {
    const file = { ...sampleFile(), checkpoint: null };
    const back = decodeRunFile(encodeRunFile(file));
    expect(back.checkpoint).toBeNull();
    expect(back.metrics).toEqual(file.metrics);
  });

  it('refuses a foreign file and an empty one', () => {
    expectFileError(new TextEncoder().encode('PK\u0003\u0004 a zip file, not a run'), /not an ExpRL run file/);
    expectFileError(new Uint8Array(0), /not an ExpRL run file/);
  });

  it('refuses every truncation of a valid file', () => {
    const out = encodeRunFile(sampleFile(64));
    for (let n = 1; n < out.byteLength; n++) expectFileError(out.subarray(0, n), /truncated/);
  });

  it('refuses a newer format version and a version 0', () => {
    const out = encodeRunFile(sampleFile());
    new DataView(out.buffer).setUint32(8, RUN_FILE_VERSION + 1, true);
    expectFileError(out, /newer than this page reads/);
    new DataView(out.buffer).setUint32(8, 0, true);
    expectFileError(out, /corrupt: format version 0/);
  });

  it('refuses broken JSON, a wrong shape, flipped checkpoint bits and trailing bytes', () => {
    const json = (text: string) => {
      const body = new TextEncoder().encode(text);
      const out = new Uint8Array(16 + body.length);
      out.set(new TextEncoder().encode('EXPRLRUN'));
      new DataView(out.buffer).setUint32(8, 1, true);
      new DataView(out.buffer).setUint32(12, body.length, true);
      out.set(body, 16);
      return out;
    };
    expectFileError(json('{"run": {'), /JSON header does not parse/);
    expectFileError(json('[1,2]'), /not an object/);
    expectFileError(
      json('{"run": {"name": "x", "kind": "pretrain"}, "metrics": [], "checkpoint": null}'),
      /run.status/,
    );
    expectFileError(
      json(
        '{"run": {"name": "x", "kind": "pretrain", "status": "done", "config": {}, "step": 1, "totalSteps": 1, "createdAt": 1, "updatedAt": 1, "notes": {"a": 1}}, "metrics": [], "checkpoint": null}',
      ),
      /run.notes is not text/,
    );
    const good = JSON.parse(
      new TextDecoder().decode(encodeRunFile({ ...sampleFile(), checkpoint: null }).subarray(16)),
    );
    expectFileError(
      json(JSON.stringify({ ...good, metrics: [{ step: 1, time: 2, values: { a: 'oops' } }] })),
      /metric point 0/,
    );
    expectFileError(
      json(JSON.stringify({ ...good, checkpoint: { step: 1, byteLength: -1, createdAt: 0, crc32: 0 } })),
      /checkpoint.byteLength/,
    );

    const out = encodeRunFile(sampleFile(100));
    const flipped = out.slice();
    flipped[flipped.length - 5] ^= 0x10;
    expectFileError(flipped, /CRC-32/);
    const longer = new Uint8Array(out.byteLength + 3);
    longer.set(out);
    expectFileError(longer, /unexpected bytes after the checkpoint/);
  });

  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});
