// Strips secrets (API keys, bearer tokens, passwords) from a run's config before it is stored or
// exported, so a shared run file never carries a key. Deep, returns a copy, never mutates its input.
// Not a general sanitizer: it knows secret-looking key names and a few well-known key formats only.

// Key names, compared lower-case with '-', '_', '.' and spaces removed.
const SECRET_PARTS = ['apikey', 'secret', 'password', 'passwd', 'credential', 'privatekey', 'authorization'];
const SECRET_EXACT = new Set(['auth', 'bearer', 'cookie', 'token']);
// A key ending in 'token' is a secret when its prefix is one of these (so eosToken, maxNewTokens stay).
const TOKEN_PREFIXES = new Set(['access', 'auth', 'bearer', 'refresh', 'id', 'session', 'api', 'oauth', 'hf', 'github', 'gh', 'openai', 'csrf', 'jwt', 'secret', 'personalaccess']);

// Values that are secrets whatever their key: OpenAI-style, Hugging Face, GitHub keys; bearer headers.
const SECRET_VALUES = [/^(sk|rk|pk)-[A-Za-z0-9_-]{16,}$/, /^hf_[A-Za-z0-9]{20,}$/, /^gh[pousr]_[A-Za-z0-9]{20,}$/, /^bearer\s+\S/i];

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

/** A deep copy of `config` without secret fields (removed, not blanked) and without secret-looking strings. */
export function redactSecrets<T>(config: T): T {
  return strip(config) as T;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => !isSecretValue(v)).map(strip);
  if (!isPlainObject(value)) return value; // numbers, strings, null, typed arrays: kept as they are
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (isSecretKey(key) || isSecretValue(v)) continue;
    out[key] = strip(v);
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
