// Shared command-line parsing helpers: numbers with ranges and clear messages, and a usage error
// type that CLIs turn into exit code 2.

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function intArg(name: string, raw: string | undefined, def: number, lo: number, hi: number): number {
  if (raw === undefined) return def;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < lo || v > hi) throw new UsageError(`--${name} must be an integer in [${lo}, ${hi}], got ${JSON.stringify(raw)}`);
  return v;
}

export function floatArg(name: string, raw: string | undefined, def: number, lo: number, hi: number): number {
  if (raw === undefined) return def;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < lo || v > hi) throw new UsageError(`--${name} must be a number in [${lo}, ${hi}], got ${JSON.stringify(raw)}`);
  return v;
}

export function choiceArg<T extends string>(name: string, raw: string | undefined, def: T, choices: readonly T[]): T {
  if (raw === undefined) return def;
  if (!(choices as readonly string[]).includes(raw)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`);
  return raw as T;
}

/** Runs a CLI main, mapping usage errors to exit 2 and other errors to exit 1, with one clear line. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
    process.exit(0);
  } catch (e) {
    const err = e as Error;
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`error: ${err.message}`);
    if (usage) console.error('run with --help for the options');
    process.exit(usage ? 2 : 1);
  }
}
