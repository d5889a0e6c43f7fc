// The CLIs refuse bad options and unreadable files with one clear line and a non-zero exit code.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';

function cli(script: string, args: string[]) {
  const r = spawnSync(process.execPath, ['scripts/cli.mjs', script, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, err: r.stderr };
}

describe('CLI errors', () => {
  it('train: a bad number exits 2 naming the option', () => {
    const r = cli('train', ['--steps', 'abc']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--steps must be an integer/);
  });
  it('train: an unknown option exits 2', () => {
    const r = cli('train', ['--stepz', '3']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/stepz/);
  });
  it('train: an unreadable corpus exits 2 naming the file', () => {
    const r = cli('train', ['--corpus', '/nonexistent/corpus.txt']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot read corpus file \/nonexistent\/corpus.txt: ENOENT/);
  });
  it('train --init: a missing checkpoint or one of another model exits 2 before any GPU work', () => {
    const missing = cli('train', ['--init', '/nonexistent.ckpt']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--init: no checkpoint at \/nonexistent.ckpt/);
    const other = cli('train', ['--init', 'public/pretrained/pretrained.ckpt', '--preset', 'tiny']);
    expect(other.code).toBe(2);
    expect(other.err).toMatch(/--init: public\/pretrained\/pretrained.ckpt holds a model of .*pass its preset/);
  });
  it('grpo: a missing checkpoint exits 2; no start at all exits 2', () => {
    expect(cli('grpo', ['--checkpoint', '/nonexistent.ckpt']).err).toMatch(/cannot read checkpoint/);
    const r = cli('grpo', ['--task', 'add']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--checkpoint FILE/);
  });
  it('grpo: a file that is not a checkpoint exits 1 with the reason', () => {
    const r = cli('grpo', ['--checkpoint', 'package.json']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/not a checkpoint: magic/);
  });
  it('bench: an unknown section exits 2', () => {
    const r = cli('bench', ['--only', 'nope']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown section "nope"/);
  });
});
