// The runs library: why a run can or cannot resume, export file names, and the list kept current
// through commands and worker events; failed commands leave nothing marked busy.
import { describe, expect, it } from 'vitest';
import { Library, exportFileName, resumability } from '../../src/ui/state/library.svelte';
import { RUN_FILE_EXTENSION } from '../../src/store/run-file';
import { FakeApi, runRecord } from './fake-api';

describe('resumability', () => {
  it('needs a checkpoint, an unfinished pre-training run, and nothing training it', () => {
    expect(resumability(runRecord('a', { status: 'stopped' }), 5, undefined)).toEqual({ ok: true });
    expect(resumability(runRecord('a', { status: 'interrupted' }), 5, 'b')).toEqual({ ok: true });
    expect(resumability(runRecord('a', { status: 'stopped' }), undefined, undefined).why).toMatch(/no checkpoint/);
    expect(resumability(runRecord('a', { status: 'done' }), 10, undefined).why).toMatch(/finished/);
    expect(resumability(runRecord('a', { status: 'running' }), 5, undefined).why).toMatch(/training now/);
    expect(resumability(runRecord('a', { status: 'paused' }), 5, 'a').why).toMatch(/training now/);
    expect(resumability(runRecord('a', { kind: 'posttrain' }), 5, undefined).ok).toBe(false);
  });
});

describe('exportFileName', () => {
  it('is a safe slug of the name with the date and the run-file extension', () => {
    const name = exportFileName(
      runRecord('a', { name: 'tiny · 60 steps / seed "7"', createdAt: new Date(2025, 10, 3).getTime() }),
    );
    expect(name).toBe(`exprl-tiny-60-steps-seed-7-20251103${RUN_FILE_EXTENSION}`);
    expect(exportFileName(runRecord('b', { name: '···' }))).toMatch(/^exprl-run-/);
  });
});

describe('Library', () => {
  it('loads runs with their latest checkpoint step', async () => {
    const api = new FakeApi();
    api.runs = [runRecord('b'), runRecord('a')];
    api.checkpoints.set('a', 20);
    const lib = new Library(api);
    expect(lib.loaded).toBe(false);
    await lib.refresh();
    expect(lib.loaded).toBe(true);
    expect(lib.runs.map((r) => r.id)).toEqual(['b', 'a']);
    expect(lib.checkpoints).toEqual({ a: 20, b: undefined });
  });

  it('applies record and checkpoint events in place; new runs ask for a refresh', async () => {
    const api = new FakeApi();
    api.runs = [runRecord('a')];
    const lib = new Library(api);
    await lib.refresh();
    expect(
      lib.apply([
        { type: 'run', run: runRecord('a', { status: 'running', step: 3 }) },
        { type: 'checkpoint', runId: 'a', step: 3, kind: 'latest' },
      ]),
    ).toBe(false);
    expect(lib.runs[0]).toMatchObject({ status: 'running', step: 3 });
    expect(lib.checkpoints.a).toBe(3);
    expect(lib.apply([{ type: 'run', run: runRecord('new') }])).toBe(true);
    expect(lib.apply([{ type: 'library' }])).toBe(true);
  });

  it('delete, export and import go through the worker', async () => {
    const api = new FakeApi();
    api.runs = [runRecord('a', { name: 'first' })];
    const lib = new Library(api);
    await lib.refresh();
    const out = await lib.exportRun('a');
    expect(out.name).toMatch(/^exprl-first-/);
    expect(Array.from(out.bytes)).toEqual([1, 2, 3]);
    const imported = await lib.importFile(new Blob([new Uint8Array([9, 9])]));
    expect(imported.name).toBe('imported');
    expect(lib.runs).toHaveLength(2);
    await lib.remove('a');
    expect(lib.runs.map((r) => r.name)).toEqual(['imported']);
    expect(api.calls).toContain('importRun(2)');
    expect(lib.busy).toEqual({});
  });

  it('a refused import reports the reason and clears the busy mark', async () => {
    const api = new FakeApi();
    api.failNext.set('importRun', new Error('not a run file (bad magic)'));
    const lib = new Library(api);
    await expect(lib.importFile(new Blob(['hello']))).rejects.toThrow(/bad magic/);
    expect(lib.busy).toEqual({});
    await expect(lib.exportRun('missing')).rejects.toThrow(/no longer in the library/);
  });
});
