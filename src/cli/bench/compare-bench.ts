// This checkout against an older one (e.g. `git worktree add /tmp/base <commit>`) in one bench run:
// time to the first pre-training step (a fresh process each, both pipeline-cache modes of ours),
// pre-training ms per step, and the GRPO step's sampling and update time. Every figure is the median
// of repetitions that alternate between the trees, so both see the same machine load.

import { spawn } from 'node:child_process';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelConfig } from '../../model/config';

const HERE = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export type ProbeResult = Record<string, number>;

/** Runs src/cli/bench/probe.ts in a fresh Node process with the code of `root`. */
export function probe(root: string, job: Record<string, unknown>): Promise<ProbeResult> {
  const args = ['--import', 'tsx', '--import', resolve(root, 'src/cli/register-raw.mjs'), resolve(HERE, 'src/cli/bench/probe.ts'), JSON.stringify({ root, ...job })];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: HERE, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err += b));
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('PROBE '));
      if (code !== 0 || !line) return fail(new Error(`probe ${JSON.stringify(job.what)} in ${root} failed (exit ${code}): ${err.slice(-800)}`));
      done(JSON.parse(line.slice(6)) as ProbeResult);
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export interface StartupRow {
  preset: string;
  baseMs: number; // old tree, process start -> first step
  oursMs: number; // ours, default cache mode
  oursAsyncMs: number; // ours, 'async' cache mode
  baseGpuMs: number; // the same from acquiring the GPU on
  oursGpuMs: number;
  basePipelines: number;
  oursPipelines: number;
}

/** Start-up to the first pre-training step (B x T), reps fresh processes per variant, alternating. */
export async function compareStartup(base: string, presets: [string, ModelConfig][], B: number, T: number, reps: number): Promise<StartupRow[]> {
  const rows: StartupRow[] = [];
  for (const [preset, config] of presets) {
    const job = { what: 'startup', config, B, T, reps: 1 };
    const b: ProbeResult[] = [], o: ProbeResult[] = [], a: ProbeResult[] = [];
    for (let r = 0; r < reps; r++) {
      b.push(await probe(base, job));
      o.push(await probe(HERE, job));
      a.push(await probe(HERE, { ...job, mode: 'async' }));
    }
    const m = (xs: ProbeResult[], k: string) => median(xs.map((x) => x[k]));
    rows.push({
      preset, baseMs: m(b, 'processToFirstStepMs'), oursMs: m(o, 'processToFirstStepMs'), oursAsyncMs: m(a, 'processToFirstStepMs'),
      baseGpuMs: m(b, 'gpuToFirstStepMs'), oursGpuMs: m(o, 'gpuToFirstStepMs'), basePipelines: b[0].pipelines, oursPipelines: o[0].pipelines,
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
  const b: ProbeResult[] = [], o: ProbeResult[] = [];
  for (let r = 0; r < rounds; r++) {
    b.push(await probe(base, job));
    o.push(await probe(HERE, job));
  }
  const med = (xs: ProbeResult[]) => Object.fromEntries(Object.keys(xs[0]).filter((k) => typeof xs[0][k] === 'number').map((k) => [k, median(xs.map((x) => x[k]))]));
  return { base: med(b), ours: med(o) };
}
