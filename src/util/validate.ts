// Config validation helpers: each check refuses a bad value with a message that names the field and
// the accepted range, e.g. "batchSize must be an integer in [1, 1024], got 0". Interval ends are
// inclusive unless the caller marks them open: "lr must be a number in (0, 1), got 1".

/** Which ends of a number range are excluded: '(]' excludes lo, '[)' excludes hi, '()' both. */
export type Ends = '[]' | '(]' | '[)' | '()';

const shown = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/** Throws unless `v` is an integer in [lo, hi]. */
export function checkInt(name: string, v: unknown, lo: number, hi: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
    throw new Error(`${name} must be an integer in [${lo}, ${hi}], got ${shown(v)}`);
}

/** Throws unless `v` is a finite number in the range lo..hi, with the ends given by `ends`. */
export function checkNumber(name: string, v: unknown, lo: number, hi: number, ends: Ends = '[]'): void {
  const okLo = ends[0] === '(' ? (x: number) => x > lo : (x: number) => x >= lo;
  const okHi = ends[1] === ')' ? (x: number) => x < hi : (x: number) => x <= hi;
  if (typeof v !== 'number' || !Number.isFinite(v) || !okLo(v) || !okHi(v)) {
    throw new Error(`${name} must be a number in ${ends[0]}${lo}, ${hi}${ends[1]}, got ${shown(v)}`);
  }
}

/** Throws unless `v` is a finite number. */
export function checkFinite(name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${name} must be a number, got ${shown(v)}`);
}

/** Throws unless `v` is one of `choices`. */
export function checkOneOf<T extends string>(name: string, v: unknown, choices: readonly T[]): asserts v is T {
  if (!(choices as readonly unknown[]).includes(v))
    throw new Error(`${name} must be one of ${choices.join(', ')}, got ${shown(v)}`);
}

/** Throws unless `v` is true or false. */
export function checkBoolean(name: string, v: unknown): void {
  if (typeof v !== 'boolean') throw new Error(`${name} must be true or false, got ${shown(v)}`);
}

/**
 * The checks above bound to the fields of one config object; every message names the field as
 * `prefix` + key (e.g. prefix 'model.' gives "model.dModel must be ...").
 */
export function fieldChecks<T extends object>(config: T, prefix = '') {
  type Key = keyof T & string;
  return {
    int: (k: Key, lo: number, hi: number) => checkInt(prefix + k, config[k], lo, hi),
    num: (k: Key, lo: number, hi: number, ends: Ends = '[]') => checkNumber(prefix + k, config[k], lo, hi, ends),
    finite: (k: Key) => checkFinite(prefix + k, config[k]),
    oneOf: (k: Key, choices: readonly string[]) => checkOneOf(prefix + k, config[k], choices),
    bool: (k: Key) => checkBoolean(prefix + k, config[k]),
  };
}
