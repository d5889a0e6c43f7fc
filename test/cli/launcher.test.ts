// scripts/cli.mjs, what the npm scripts run: a tool from its esbuild bundle, rebuilt when an input
// (a TypeScript file or a kernel's WGSL) is newer or another checkout sharing node_modules built it,
// for the tools of src/cli/ and the bench of bench/; a name that is no tool is refused with its usage.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const launch = (args: string[]) =>
  spawnSync(process.execPath, ['scripts/cli.mjs', ...args], { encoding: 'utf8', timeout: 120_000 });

describe('the CLI launcher', () => {
  it('runs a tool from its bundle and records every input, kernel sources included', () => {
    const r = launch(['train', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run train/);
    const m = JSON.parse(readFileSync('node_modules/.cache/exprl-cli/train.mjs.inputs.json', 'utf8')) as {
      inputs: Record<string, number>;
    };
    const inputs = Object.keys(m.inputs);
    expect(inputs).toContain(resolve('src/cli/train.ts'));
    expect(inputs).toContain(resolve('src/model/gpt.ts'));
    expect(inputs).toContain(resolve('shaders/matmul.wgsl'));
  });

  it('rebuilds the bundle when an input is newer than it', () => {
    expect(launch(['export', '--help']).status).toBe(0);
    const input = resolve('src/cli/args.ts'); // its content stays as it is: only its time changes
    const later = new Date(Date.now() + 1000);
    utimesSync(input, later, later);
    expect(launch(['export', '--help']).status).toBe(0);
    const m = JSON.parse(readFileSync('node_modules/.cache/exprl-cli/export.mjs.inputs.json', 'utf8')) as {
      inputs: Record<string, number>;
    };
    expect(m.inputs[input]).toBe(statSync(input).mtimeMs);
  });

  it('rebuilds a bundle that another checkout sharing node_modules built', () => {
    expect(launch(['export', '--help']).status).toBe(0);
    const path = 'node_modules/.cache/exprl-cli/export.mjs.inputs.json';
    const theirs = { ...(JSON.parse(readFileSync(path, 'utf8')) as object), root: '/another/checkout/' };
    writeFileSync(path, JSON.stringify(theirs)); // its inputs unchanged: only who built it differs
    expect(launch(['export', '--help']).status).toBe(0);
    const m = JSON.parse(readFileSync(path, 'utf8')) as { root: string };
    expect(m.root).toBe(fileURLToPath(new URL('../../', import.meta.url)));
  });

  it('builds the bench from bench/ (developer tooling outside src/)', () => {
    const r = launch(['bench', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run bench/);
    const m = JSON.parse(readFileSync('node_modules/.cache/exprl-cli/bench.mjs.inputs.json', 'utf8')) as {
      inputs: Record<string, number>;
    };
    expect(Object.keys(m.inputs)).toContain(resolve('bench/bench.ts'));
    expect(Object.keys(m.inputs)).toContain(resolve('bench/matmul-bench.ts'));
  });

  it('refuses a name that is not a tool of src/cli/ or bench/', () => {
    for (const name of ['nope', '../package', '']) {
      const r = launch(name ? [name] : []);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/usage: node scripts\/cli\.mjs NAME/);
    }
  });
});
