// The `rescore` command on the shipped demo replay (both arms' stored steps, with the traces they
// trained on): the judge the run trained with gives the stored advantages back exactly; a judge without
// the reference, or with another problem's, changes ExpRL-Process's; sparse GRPO's dead zone wakes up
// when its samples are scored by the judge; one step, JSON, a run file exported by the page; an LLM
// judge's grades are cached on disk (a second re-score sends nothing); bad options are refused.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rescoreCli, runsOfFile, type RescoreCliIo } from '../../src/cli/rescore';
import { encodeRunFile } from '../../src/store/run-file';
import { rubricReply, scoreReply, useFakeLlmServer } from '../helpers/fake-llm-server';

const REPLAY = 'public/replay/demo.json';
const fake = useFakeLlmServer((req) => (req.rubric ? rubricReply(req) : scoreReply(req, 4, 'Plausible step.')));
const cacheDir = mkdtempSync(join(tmpdir(), 'rescore-cache-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

function memoryIo(files: Record<string, Uint8Array> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: RescoreCliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readFile: (p) => files[p] ?? new Uint8Array(readFileSync(p)),
    env: {},
  };
  return { io, out, err };
}

type Report = {
  run: string;
  arm: string;
  mode: string;
  judge: string;
  steps: { step: number; reward: number; rescored: number; diff: Record<string, number> }[];
}[];

async function json(args: string[], files?: Record<string, Uint8Array>): Promise<Report> {
  const m = memoryIo(files);
  expect(await rescoreCli(['--run', REPLAY, '--json', ...args], m.io), m.err.join('\n')).toBe(0);
  return JSON.parse(m.out.join('\n')) as Report;
}

const processOf = (r: Report) => r.find((x) => x.arm === 'process')!;

describe('npm run rescore --', () => {
  it('gives the stored advantages back with the judge the run trained with', async () => {
    const r = await json([]);
    expect(r.map((x) => [x.arm, x.mode])).toEqual([
      ['grpo', 'sparse-grpo'],
      ['process', 'delta-norm'],
    ]);
    for (const x of r)
      for (const s of x.steps) {
        expect(s.diff.meanAbs).toBe(0);
        expect(s.rescored).toBeCloseTo(s.reward, 12);
      }
    expect(processOf(r).steps.length).toBeGreaterThan(3);
  });

  it("changes ExpRL-Process's advantages without the reference or with a wrong one", async () => {
    const none = processOf(await json(['--reference', 'none']));
    expect(none.judge).toBe('built-in judge (no reference)');
    expect(none.steps.some((s) => s.diff.meanAbs > 0.05)).toBe(true);
    expect(none.steps.every((s) => s.rescored >= s.reward)).toBe(true); // it cannot tell a wrong result from a right one
    const wrong = processOf(await json(['--reference', 'wrong', '--step', '3']));
    expect(wrong.steps.map((s) => s.step)).toEqual([3]);
    expect(wrong.steps[0].rescored).toBeLessThan(wrong.steps[0].reward);
  });

  it("wakes sparse GRPO's dead zone when the judge scores its samples", async () => {
    const grpo = (await json(['--reference', 'given', '--mode', 'outcome'])).find((x) => x.arm === 'grpo')!;
    const awakened = grpo.steps.reduce((n, s) => n + s.diff.awakened, 0);
    expect(awakened).toBeGreaterThan(0);
  });

  it('reads a run file exported by the page and prints a table', async () => {
    const { run, previews } = runsOfFile(new Uint8Array(readFileSync(REPLAY)))[1];
    const file = encodeRunFile({ run, metrics: [], checkpoint: null, previews });
    const m = memoryIo({ 'process.exprlrun': file });
    expect(await rescoreCli(['--run', 'process.exprlrun', '--reference', 'none', '--step', '2'], m.io)).toBe(0);
    const text = m.out.join('\n');
    expect(text).toMatch(/re-scored by the built-in judge \(no reference\), delta-norm advantages/);
    expect(text).toMatch(/^step +responses +reward +re-scored +tokens +flipped +silenced +awakened/m);
    expect(text).toMatch(/^ +2 +32 +0\.\d{3} +0\.\d{3} +\d+ +\d+\.\d%/m);
  });

  it("caches an LLM judge's grades on disk: a second re-score sends nothing", async () => {
    const args = ['--step', '1', '--judge', 'llm', '--base-url', fake.server.baseUrl, '--model', 'm'];
    const first = await json([...args, '--cache-dir', cacheDir]);
    const sent = fake.server.requests.length;
    expect(sent).toBeGreaterThan(0);
    expect(processOf(first).judge).toBe('LLM judge m');
    const again = await json([...args, '--cache-dir', cacheDir]);
    expect(fake.server.requests.length).toBe(sent);
    expect(again).toEqual(first);
  });

  it('refuses bad options with exit 2 and a reason', async () => {
    for (const [args, why] of [
      [[], /--run FILE is required/],
      [['--run', REPLAY, '--reference', 'other'], /--reference must be one of given, none, wrong/],
      [['--run', REPLAY, '--judge', 'llm'], /needs --base-url and --model/],
      [['--run', REPLAY, '--model', 'm'], /--model go with --judge llm only/],
      [['--run', REPLAY, '--mode', 'opsd'], /--mode must be one of/],
      [['--run', 'missing.json'], /cannot read --run/],
    ] as const) {
      const m = memoryIo();
      expect(await rescoreCli([...args], m.io)).toBe(2);
      expect(m.err.join('\n')).toMatch(why);
    }
  });
});
