// `npm run experiment -- --preset smoke` end to end, as CI runs it: every arm through Stage I, Stage II
// and both evaluations, from a 20-step pre-training. Stopped with Ctrl-C in the middle of an RL cell
// and started again, it continues from the cell's checkpoint and ends with exactly the figures and
// curves of an uninterrupted run (timings aside); arms added to a finished one give the cells a run of
// all of them gives, and so do seeds added.
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARM_IDS } from '../../src/experiment/arms';
import { checkResultsFile, type ResultsFile } from '../../src/experiment/results';

// Three runs of the smoke preset, two of three arms and one more seed of those three (about 40 s each on
// a quiet 2-core machine, several times that on a busy one).
const TIMEOUT_MS = 30 * 60_000;
const CLI = ['scripts/cli.mjs', 'experiment']; // what `npm run experiment` runs

/** Runs the CLI; with `stopAt`, sends SIGINT once a line containing it appears. */
function run(args: string[], stopAt?: string): Promise<{ code: number | null; out: string }> {
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

const TIMING = /timing|tokens_per_s|ms_per_step/;
/** The figures of every cell, timings removed, in a fixed order. */
function figures(r: ResultsFile) {
  return [...r.cells]
    .sort((a, b) => `${a.arm}${a.stage}`.localeCompare(`${b.arm}${b.stage}`))
    .map((c) => ({
      arm: c.arm,
      stage: c.stage,
      steps: c.steps,
      eval: c.eval,
      curve: c.curve.map((p) => ({
        step: p.step,
        values: Object.fromEntries(Object.entries(p.values).filter(([k]) => !TIMING.test(k))),
      })),
    }));
}

describe('experiment smoke preset', () => {
  it(
    'runs every arm through both stages, and a stopped run resumes to the same results',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'exprl-smoke-'));
      try {
        const straight = await run(['--preset', 'smoke', '--dir', dir, '--name', 'a']);
        expect(straight.code, straight.out).toBe(0);
        const a = checkResultsFile(JSON.parse(await readFile(join(dir, 'a', 'results.json'), 'utf8')));
        expect(a.complete).toBe(true);
        expect(a.cells).toHaveLength(ARM_IDS.length * 2);
        for (const c of a.cells) {
          expect(c.status, `${c.arm} ${c.stage}`).toBe('done');
          expect(c.eval?.perProblem.length, `${c.arm} ${c.stage}`).toBe(4);
          if (!(c.arm === 'base' && c.stage === 'stage1')) expect(c.curve.length, `${c.arm} ${c.stage}`).toBe(2);
          // every RL step sets the judge's reward against the truth: the verifier's figures and the failed grades
          for (const p of c.curve.filter((x) => 'rl/reward' in x.values))
            for (const m of ['rl/steps_in_order', 'rl/all_steps', 'judge/failure_share'])
              expect(p.values[m], `${c.arm} ${c.stage} step ${p.step} ${m}`).toBeGreaterThanOrEqual(0);
        }
        expect(await readFile(join(dir, 'a', 'results.md'), 'utf8')).toMatch(/\| ExpRL-Process \|/);
        expect((await readFile(join(dir, 'a', 'curves.csv'), 'utf8')).split('\n')[0]).toBe(
          'arm,stage,seed,step,metric,value',
        );

        const stopped = await run(
          ['--preset', 'smoke', '--dir', dir, '--name', 'b'],
          '[outcome · Stage I · seed 1] step 1/2',
        );
        expect(stopped.code, stopped.out).toBe(130);
        expect(stopped.out).toMatch(/stopped during .* · seed 1; run the same command again/);
        const resumed = await run(['--preset', 'smoke', '--dir', dir, '--name', 'b']);
        expect(resumed.code, resumed.out).toBe(0);
        expect(resumed.out).not.toMatch(/\[grpo · Stage I · seed 1\] step/); // finished cells are not run again
        const b = checkResultsFile(JSON.parse(await readFile(join(dir, 'b', 'results.json'), 'utf8')));
        expect(figures(b)).toEqual(figures(a));

        // arms added to a finished experiment: its cells kept, the new ones as in a run of all of them
        const two = await run(['--preset', 'smoke', '--dir', dir, '--name', 'c', '--arms', 'base,grpo']);
        expect(two.code, two.out).toBe(0);
        const other = await run(['--preset', 'smoke', '--dir', dir, '--name', 'c', '--arms', 'base', '--seeds', '2']);
        expect(other.code, other.out).not.toBe(0);
        expect(other.out).toMatch(/other options/);
        const more = await run(['--preset', 'smoke', '--dir', dir, '--name', 'c', '--arms', 'base,grpo,process']);
        expect(more.code, more.out).toBe(0);
        expect(more.out).not.toMatch(/\[grpo · Stage I · seed 1\] step/);
        const c = checkResultsFile(JSON.parse(await readFile(join(dir, 'c', 'results.json'), 'utf8')));
        expect(c.complete).toBe(true);
        expect(c.arms.map((x) => x.id)).toEqual(['base', 'grpo', 'process']);
        expect(c.command).toMatch(/--arms base,grpo,process$/);
        const these = (r: ResultsFile) => figures(r).filter((x) => ['base', 'grpo', 'process'].includes(x.arm));
        expect(these(c)).toEqual(these(a));
        // a seed added: the first seed's cells kept, the new seed's run
        const seeds = await run([
          '--preset',
          'smoke',
          '--dir',
          dir,
          '--name',
          'c',
          '--arms',
          'base,grpo,process',
          '--seeds',
          '1,2',
        ]);
        expect(seeds.code, seeds.out).toBe(0);
        expect(seeds.out).not.toMatch(/· seed 1\] step/);
        const d = checkResultsFile(JSON.parse(await readFile(join(dir, 'c', 'results.json'), 'utf8')));
        expect(d.complete).toBe(true);
        expect(d.options.seeds).toEqual([1, 2]);
        expect(these({ ...d, cells: d.cells.filter((x) => x.seed === 1) })).toEqual(these(a));
        expect(d.cells.filter((x) => x.seed === 2 && x.status === 'done')).toHaveLength(6);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT_MS,
  );
});
