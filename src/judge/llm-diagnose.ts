// Which LLM judge failures are the user's setup rather than one bad call, and the one line that names
// the cause and the fix: authentication (401/403), not found (404: a base URL without /v1, or with
// /chat/completions appended, or an unknown model), connection refused, unknown host, TLS errors,
// blocked ports, and a reply that is not a chat completion. Such a failure stops a run at the first
// call; everything else (5xx, timeouts, unparseable scores) is per call: counted and dropped.
// No HTTP here: llm-client.ts classifies, this file words. Callers redact the key from the inputs.

export type FatalCause =
  'auth' | 'not-found' | 'refused' | 'unknown-host' | 'tls' | 'blocked-port' | 'unreachable' | 'not-chat';

export interface FailureFacts {
  kind: 'http' | 'connection' | 'bad-response' | 'timeout' | 'aborted';
  status?: number; // HTTP status
  code?: string; // network error code from the cause chain: ECONNREFUSED, ENOTFOUND, ERR_SSL_...
  serverMessage?: string; // the error text the server sent, or the network error's message
  detail?: string; // for bad-response: what came back instead
}

export interface Endpoint {
  baseUrl: string;
  model: string;
}

const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|EPROTO$|ERR_OSSL_)/;

/** The network error code of an error or of any error in its `cause` chain (undici puts it two deep). */
export function errorCode(e: unknown): string | undefined {
  for (let x = e, depth = 0; x && typeof x === 'object' && depth < 6; x = (x as { cause?: unknown }).cause, depth++) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    const msg = (x as { message?: unknown }).message;
    if (msg === 'bad port') return 'BAD_PORT'; // fetch refuses ports like 9, 22 or 6000 without a code
  }
  return undefined;
}

/** The innermost message of an error's cause chain (the useful one: "connect ECONNREFUSED ..."). */
export function innermostMessage(e: unknown): string {
  let msg = e instanceof Error ? e.message : String(e);
  for (
    let x = (e as { cause?: unknown } | null)?.cause, depth = 0;
    x && depth < 6;
    x = (x as { cause?: unknown }).cause, depth++
  ) {
    if (x instanceof Error && x.message) msg = x.message;
  }
  return msg;
}

export function chatCompletionsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
}

function urlPart(baseUrl: string, part: 'host' | 'hostname' | 'port'): string {
  try {
    return new URL(baseUrl)[part];
  } catch {
    return baseUrl;
  }
}
const hostOf = (baseUrl: string) => urlPart(baseUrl, 'host');

const clip = (s: string | undefined, n = 160) => {
  const t = (s ?? '').replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n)}...` : t;
};

/** The cause of a failure that no retry can fix, or null for a per-call failure. */
export function fatalCause(f: FailureFacts): FatalCause | null {
  if (f.kind === 'http') {
    if (f.status === 401 || f.status === 403) return 'auth';
    if (f.status === 404) return 'not-found';
    return null;
  }
  if (f.kind === 'bad-response') return 'not-chat';
  if (f.kind !== 'connection') return null;
  const code = f.code ?? '';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return 'unknown-host';
  if (code === 'BAD_PORT') return 'blocked-port';
  if (TLS_CODE.test(code)) return 'tls';
  if (code === '' && /failed to fetch|load failed|networkerror/i.test(f.serverMessage ?? '')) return 'unreachable'; // browsers give no reason
  return null; // ECONNRESET and the like: a dropped connection, retried
}

/** The one line naming the cause and the fix, or null when the failure is per call. */
export function fatalLine(f: FailureFacts, ep: Endpoint): string | null {
  const cause = fatalCause(f);
  if (!cause) return null;
  const url = chatCompletionsUrl(ep.baseUrl);
  const base = ep.baseUrl.replace(/\/+$/, '');
  const server = f.serverMessage ? ` (server: "${clip(f.serverMessage)}")` : '';
  switch (cause) {
    case 'auth':
      return `the server answered ${f.status} (${f.status === 401 ? 'unauthorized' : 'forbidden'}) for ${url}${server}: check the API key, and that it may use model "${ep.model}"`;
    case 'not-found':
      if (/model/i.test(f.serverMessage ?? '')) {
        return `the server answered 404 for ${url}${server}: model "${ep.model}" is not served there; check the model name against ${base}/models`;
      }
      if (/\/chat\/completions$/i.test(base)) {
        return `the server answered 404 for ${url}: the base URL must not include /chat/completions; use ${base.replace(/\/chat\/completions$/i, '')}`;
      }
      if (!/\/v\d+(beta\d*)?(\/openai)?$/i.test(base))
        return `the server answered 404 for ${url}: does the base URL end in /v1?`;
      return `the server answered 404 for ${url}${server}: is this an OpenAI-compatible server, and is the base URL right?`;
    case 'refused':
      return `cannot connect to ${hostOf(ep.baseUrl)} (connection refused): is the server running, and listening on that port?`;
    case 'unknown-host':
      return `unknown host "${urlPart(ep.baseUrl, 'hostname')}" (the name does not resolve): check the host name in the base URL`;
    case 'blocked-port':
      return `cannot use port ${urlPart(ep.baseUrl, 'port')} of ${urlPart(ep.baseUrl, 'hostname')}: fetch refuses that port for safety; run the server on another port`;
    case 'tls':
      if (/WRONG_VERSION_NUMBER|EPROTO/.test(f.code ?? ''))
        return `TLS error talking to ${hostOf(ep.baseUrl)} (${f.code}): the server speaks plain HTTP there; use http:// in the base URL`;
      return `TLS error talking to ${hostOf(ep.baseUrl)} (${f.code}${f.serverMessage ? `: ${clip(f.serverMessage, 80)}` : ''}): check the server's certificate (or NODE_EXTRA_CA_CERTS for a private CA), or use http:// for a local server`;
    case 'unreachable':
      return `cannot reach ${url}: the server is down, the host or port is wrong, or it does not allow this page's origin (CORS)`;
    case 'not-chat':
      return `the server at ${url} answered, but not with a chat completion (${f.detail ?? 'an unexpected body'}): is the base URL an OpenAI-compatible API, ending in /v1?`;
  }
}

/** A line for any failure, fatal or not, for a connection test to show. */
export function failureLine(f: FailureFacts, ep: Endpoint, timeoutMs: number): string {
  const fatal = fatalLine(f, ep);
  if (fatal) return fatal;
  const url = chatCompletionsUrl(ep.baseUrl);
  if (f.kind === 'timeout')
    return `no complete reply from ${url} within ${timeoutMs} ms: is model "${ep.model}" loaded? raise the timeout for slow models`;
  if (f.kind === 'aborted') return 'the connection test was cancelled';
  if (f.kind === 'http')
    return `the server answered ${f.status} for ${url}${f.serverMessage ? ` (server: "${clip(f.serverMessage)}")` : ''}: it failed this request; see the server's log`;
  return `the connection to ${hostOf(ep.baseUrl)} failed${f.code ? ` (${f.code})` : ''}${f.serverMessage ? `: ${clip(f.serverMessage, 120)}` : ''}; try again`;
}
