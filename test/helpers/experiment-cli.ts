// Running `npm run experiment` from a test: the CLI as a child process (what `npm run experiment`
// runs), its exit code and output, its results file, and the figures two runs are compared by.

import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkResultsFile, type ResultsFile } from '../../src/experiment/results';

const CLI = ['scripts/cli.mjs', 'experiment'];

/** Runs the CLI to its end; with `stopAt`, sends SIGINT once a line containing it appears. */
export function runExperiment(args: string[], stopAt?: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...CLI, ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let sent = false;
    const take = (b: Buffer) => {
      out += b.toString();
      if (stopAt && !sent && out.includes(stopAt)) {
        sent = true;
        p.kill('SIGINT');
      }
    };
    p.stdout.on('data', take);
    p.stderr.on('data', take);
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out }));
  });
}

export async function readResults(dir: string, name: string): Promise<ResultsFile> {
  return checkResultsFile(JSON.parse(await readFile(join(dir, name, 'results.json'), 'utf8')));
}

const TIMING = /timing|tokens_per_s|ms_per_step/;
/** The figures of every cell, timings removed, in a fixed order. */
export function figures(r: ResultsFile) {
  return [...r.cells]
    .sort((a, b) => `${a.arm}${a.stage}${a.seed}`.localeCompare(`${b.arm}${b.stage}${b.seed}`))
    .map((c) => ({
      arm: c.arm,
      stage: c.stage,
      seed: c.seed,
      status: c.status,
      steps: c.steps,
      eval: c.eval,
      judgeFailures: c.judgeFailures,
      curve: c.curve.map((p) => ({
        step: p.step,
        values: Object.fromEntries(Object.entries(p.values).filter(([k]) => !TIMING.test(k))),
      })),
    }));
}
