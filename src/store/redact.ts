// Strips secrets (API keys, bearer tokens, passwords) from what a run stores or exports, so a shared
// run file never carries a key: secret-named fields at any depth (judge settings included), key-shaped
// strings wherever they sit, and credentials inside URLs. Deep, returns a copy, never mutates its input.
// Not a general sanitizer: it knows secret-looking key names and a few well-known key formats only.

import type { RunRecord } from './records';

// Key names, compared lower-case with '-', '_', '.' and spaces removed.
const SECRET_PARTS = [
  'apikey',
  'secret',
  'password',
  'passwd',
  'credential',
  'privatekey',
  'authorization',
  'accesskey',
  'subscriptionkey',
];
const SECRET_EXACT = new Set(['auth', 'bearer', 'cookie', 'token', 'key']);
// A key ending in 'token' is a secret when its prefix is one of these (so eosToken, maxNewTokens stay).
const TOKEN_PREFIXES = new Set([
  'access',
  'auth',
  'bearer',
  'refresh',
  'id',
  'session',
  'api',
  'oauth',
  'hf',
  'github',
  'gh',
  'openai',
  'csrf',
  'jwt',
  'secret',
  'personalaccess',
]);

// Credentials on their own: OpenAI-style, Hugging Face, GitHub keys; bearer headers. The same shapes
// inside a longer text (an error message, a note) are replaced by REDACTED.
const SECRET_VALUES = [
  /^(sk|rk|pk)-[A-Za-z0-9_-]{16,}$/,
  /^hf_[A-Za-z0-9]{20,}$/,
  /^gh[pousr]_[A-Za-z0-9]{20,}$/,
  /^bearer\s+\S/i,
];
const SECRET_IN_TEXT = [
  /\bbearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b(sk|rk)-[A-Za-z0-9_-]{16,}/g,
  /\bhf_[A-Za-z0-9]{20,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
];
export const REDACTED = '[redacted]';

/** True when a field with this name holds a secret. */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_.\s]/g, '');
  if (SECRET_EXACT.has(k) || SECRET_PARTS.some((p) => k.includes(p))) return true;
  return k.endsWith('token') && TOKEN_PREFIXES.has(k.slice(0, -'token'.length));
}

/** True when a string looks like a credential on its own. */
export function isSecretValue(value: unknown): boolean {
  return typeof value === 'string' && SECRET_VALUES.some((re) => re.test(value.trim()));
}

/**
 * A text without the credentials inside it: key-shaped words become REDACTED, and an http(s) URL
 * loses its user:password part and its secret-named query parameters (e.g. ?api_key=…, ?key=…).
 */
export function redactText(text: string): string {
  let out = text;
  for (const re of SECRET_IN_TEXT) out = out.replace(re, REDACTED);
  return out.replace(/\bhttps?:\/\/[^\s"'<>]+/gi, redactUrl);
}

function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw;
  }
  let changed = false;
  if (url.username || url.password) {
    url.username = '';
    url.password = '';
    changed = true;
  }
  for (const name of [...url.searchParams.keys()]) {
    if (isSecretKey(name)) {
      url.searchParams.set(name, 'redacted');
      changed = true;
    }
  }
  if (!changed) return raw; // keep the text exactly as written
  const s = url.toString();
  return raw.endsWith('/') || !s.endsWith('/') ? s : s.slice(0, -1);
}

/** A deep copy of `config` without secret fields (removed, not blanked) and without credentials in strings. */
export function redactSecrets<T>(config: T): T {
  return strip(config) as T;
}

/** A run record safe to store or share: its config redacted, and no credential in its name, error or notes. */
export function redactRun<R extends Pick<RunRecord, 'config' | 'name'> & Partial<Pick<RunRecord, 'error' | 'notes'>>>(
  run: R,
): R {
  const out: R = { ...run, config: redactSecrets(run.config), name: redactText(run.name) };
  if (typeof run.error === 'string') out.error = redactText(run.error);
  if (typeof run.notes === 'string') out.notes = redactText(run.notes);
  return out;
}

function strip(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.filter((v) => !isSecretValue(v)).map(strip);
  if (value instanceof Set) return new Set([...value].filter((v) => !isSecretValue(v)).map(strip));
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const [k, v] of value)
      if (!(typeof k === 'string' && isSecretKey(k)) && !isSecretValue(v)) out.set(k, strip(v));
    return out;
  }
  if (!isRecord(value)) return value; // numbers, booleans, null, typed arrays, dates: kept as they are
  // Plain objects and class instances alike: IndexedDB and JSON both keep an instance's own fields.
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (isSecretKey(key) || isSecretValue(v)) continue;
    out[key] = strip(v);
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  return !(
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    value instanceof Date ||
    value instanceof RegExp ||
    (typeof Blob !== 'undefined' && value instanceof Blob)
  );
}
