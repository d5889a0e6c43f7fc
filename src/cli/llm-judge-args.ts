// What an LLM judge takes from a terminal tool's options besides its endpoint: the API key, read from
// the environment variable --api-key-env names (never the key itself on the command line), and the
// on-disk grade cache (--cache-dir, or none with --no-cache). Shared by `npm run judge` and `rescore`.

import { FsJudgeCache, defaultJudgeCacheDir } from '../judge/cache-fs';
import { UsageError } from './args';

type Env = Record<string, string | undefined>;

/** The key in --api-key-env's variable (default OPENAI_API_KEY, optional then); a named, empty one is an error. */
export function apiKeyFrom(apiKeyEnv: string | undefined, env: Env): string | undefined {
  const keyVar = apiKeyEnv ?? 'OPENAI_API_KEY';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(keyVar))
    throw new UsageError('--api-key-env takes the NAME of an environment variable (letters, digits, _), not the key');
  const apiKey = env[keyVar] || undefined;
  if (apiKeyEnv !== undefined && apiKey === undefined)
    throw new UsageError(`--api-key-env: the environment variable ${keyVar} is not set or is empty`);
  return apiKey;
}

/** The grade cache the options ask for, as LlmJudge's second argument takes it. */
export function judgeCacheFrom(
  cacheDir: string | undefined,
  noCache: boolean | undefined,
  env: Env,
): { cache?: FsJudgeCache } {
  return noCache ? {} : { cache: new FsJudgeCache(cacheDir ?? defaultJudgeCacheDir(env)) };
}
