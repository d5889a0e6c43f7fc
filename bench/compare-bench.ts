// This checkout against an older one (e.g. `git worktree add /tmp/base <commit>`) in one bench run:
// time to the first pre-training step (the train command each tree's `npm run train` runs, and a probe
// process for the part from acquiring the GPU, both pipeline-cache modes of ours), pre-training ms per
// step, and the GRPO step's sampling and update time. Every figure is the median of repetitions that
// alternate between the trees, so both see the same machine load.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ModelConfig } from '../src/model/config';

const HERE = process.cwd(); // the npm scripts run from the checkout's root

export type ProbeResult = Record<string, number>;

/** Runs bench/probe.ts in a fresh Node process with the code of `root` (this checkout's `?raw` loader serves both trees). */
export function probe(root: string, job: Record<string, unknown>): Promise<ProbeResult> {
  const args = [
    '--import',
    'tsx',
    '--import',
    resolve(HERE, 'bench/register-raw.mjs'),
    resolve(HERE, 'bench/probe.ts'),
    JSON.stringify({ root, ...job }),
  ];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: HERE, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '',
      err = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err += b));
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('PROBE '));
      if (code !== 0 || !line)
        return fail(
          new Error(`probe ${JSON.stringify(job.what)} in ${root} failed (exit ${code}): ${err.slice(-800)}`),
        );
      done(JSON.parse(line.slice(6)) as ProbeResult);
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** The command `npm run NAME` runs in `root` (its package.json), with `node` as this Node. */
function npmScript(root: string, name: string): string[] {
  const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts[name]?.split(/\s+/);
  if (!words || words[0] !== 'node')
    throw new Error(`${root}/package.json: the ${name} script is not a plain node command`);
  return [process.execPath, ...words.slice(1)];
}

/** Milliseconds from spawning `npm run train`'s command in `root` to its line for the first step. */
function trainToFirstStep(root: string, preset: string, B: number, T: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'exprl-startup-'));
  const [exe, ...cmd] = npmScript(root, 'train');
  const args = [
    ...cmd,
    '--preset',
    preset,
    '--batch',
    String(B),
    '--seq',
    String(T),
    '--steps',
    '1',
    '--log-every',
    '1',
    '--samples',
    '0',
    '--out',
    join(dir, 'x.ckpt'),
  ];
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(exe, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '',
      err = '',
      ms = NaN;
    child.stdout.on('data', (b) => {
      out += b;
      if (Number.isNaN(ms) && /^step\s+1\//m.test(out)) {
        ms = performance.now() - t0;
        child.kill('SIGKILL'); // the checkpoint and the rest are not what is measured
      }
    });
    child.stderr.on('data', (b) => (err += b));
    child.on('close', (code) => {
      rmSync(dir, { recursive: true, force: true });
      if (Number.isNaN(ms))
        fail(new Error(`train in ${root} printed no first step (exit ${code}): ${(err || out).slice(-800)}`));
      else done(ms);
    });
  });
}

export interface StartupRow {
  preset: string;
  baseMs: number; // old tree, its `npm run train` command -> its line for step 1
  oursMs: number; // ours, the same
  oursAsyncMs: number; // ours, probe process with an 'async' pipeline cache: process start -> first step
  baseGpuMs: number; // the same from acquiring the GPU on
  oursGpuMs: number;
  basePipelines: number;
  oursPipelines: number;
}

/** Start-up to the first pre-training step (B x T), reps fresh processes per variant, alternating. */
export async function compareStartup(
  base: string,
  presets: [string, ModelConfig][],
  B: number,
  T: number,
  reps: number,
): Promise<StartupRow[]> {
  const rows: StartupRow[] = [];
  // One untimed start each: builds our bundle and fills tsx's cache of the old tree, as any earlier use would.
  await trainToFirstStep(base, presets[0][0], B, T);
  await trainToFirstStep(HERE, presets[0][0], B, T);
  for (const [preset, config] of presets) {
    const job = { what: 'startup', config, B, T, reps: 1 };
    const b: ProbeResult[] = [],
      o: ProbeResult[] = [],
      a: ProbeResult[] = [],
      cb: number[] = [],
      co: number[] = [];
    for (let r = 0; r < reps; r++) {
      cb.push(await trainToFirstStep(base, preset, B, T));
      co.push(await trainToFirstStep(HERE, preset, B, T));
      b.push(await probe(base, job));
      o.push(await probe(HERE, job));
      a.push(await probe(HERE, { ...job, mode: 'async' }));
    }
    const m = (xs: ProbeResult[], k: string) => median(xs.map((x) => x[k]));
    rows.push({
      preset,
      baseMs: median(cb),
      oursMs: median(co),
      oursAsyncMs: m(a, 'processToFirstStepMs'),
      baseGpuMs: m(b, 'gpuToFirstStepMs'),
      oursGpuMs: m(o, 'gpuToFirstStepMs'),
      basePipelines: b[0].pipelines,
      oursPipelines: o[0].pipelines,
    });
  }
  return rows;
}

export interface PairRow {
  base: ProbeResult;
  ours: ProbeResult;
}

/** One probe job in both trees, `rounds` times alternating; the median of every numeric field. */
export async function comparePair(base: string, job: Record<string, unknown>, rounds: number): Promise<PairRow> {
  const b: ProbeResult[] = [],
    o: ProbeResult[] = [];
  for (let r = 0; r < rounds; r++) {
    b.push(await probe(base, job));
    o.push(await probe(HERE, job));
  }
  const med = (xs: ProbeResult[]) =>
    Object.fromEntries(
      Object.keys(xs[0])
        .filter((k) => typeof xs[0][k] === 'number')
        .map((k) => [k, median(xs.map((x) => x[k]))]),
    );
  return { base: med(b), ours: med(o) };
}
