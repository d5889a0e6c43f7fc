// Shared command-line helpers: numbers with ranges and clear messages, a usage error type that CLIs
// turn into exit code 2, and the one way a CLI reports a failure and exits.

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function intArg(name: string, raw: string | undefined, def: number, lo: number, hi: number): number {
  if (raw === undefined) return def;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < lo || v > hi)
    throw new UsageError(`--${name} must be an integer in [${lo}, ${hi}], got ${JSON.stringify(raw)}`);
  return v;
}

export function floatArg(name: string, raw: string | undefined, def: number, lo: number, hi: number): number {
  if (raw === undefined) return def;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < lo || v > hi)
    throw new UsageError(`--${name} must be a number in [${lo}, ${hi}], got ${JSON.stringify(raw)}`);
  return v;
}

export function choiceArg<T extends string>(name: string, raw: string | undefined, def: T, choices: readonly T[]): T {
  if (raw === undefined) return def;
  if (!(choices as readonly string[]).includes(raw))
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`);
  return raw as T;
}

/** Reports a CLI's failure in one clear line (plus a --help hint for usage errors); returns its exit code: 2 for usage, else 1. */
export function failureExit(e: unknown, err: (line: string) => void = (l) => console.error(l)): number {
  const error = e as Error & { code?: string };
  const usage = error instanceof UsageError || (error.code ?? '').startsWith('ERR_PARSE_ARGS');
  err(`error: ${error.message}`);
  if (usage) err('run with --help for the options');
  return usage ? 2 : 1;
}

/** Runs a CLI main, mapping usage errors to exit 2 and other errors to exit 1, with one clear line. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0); // 130 after a Ctrl-C stop
  } catch (e) {
    process.exit(failureExit(e));
  }
}

/** Runs `cli(argv)` and exits with its code when `moduleUrl` is the script node was started with (not when imported by a test). */
export function runIfMain(moduleUrl: string, cli: (argv: string[]) => Promise<number>): void {
  if (process.argv[1] && moduleUrl === pathToFileURL(resolve(process.argv[1])).href)
    void cli(process.argv.slice(2)).then((code) => process.exit(code));
}
