// redactSecrets: secret fields go at any depth (objects, arrays, maps, class instances), ordinary fields
// whose names merely contain "token" stay, credential-looking strings go whatever their key, keys inside
// texts and URLs are blanked, and the input is not mutated. redactRun covers a record's text fields too.

import { describe, expect, it } from 'vitest';
import { REDACTED, isSecretKey, isSecretValue, redactRun, redactSecrets, redactText } from '../../src/store/redact';
import { DEFAULT_LLM_JUDGE_CONFIG, type LlmJudgeConfig } from '../../src/judge/llm';
import { DEFAULT_RL } from '../../src/rl/rl-config';
import { defaultSetup } from '../../src/run/pretrain-setup';

const KEY = 'sk-proj-' + 'Q7x'.repeat(10);

describe('redactSecrets', () => {
  it('removes nested API keys, auth headers and token fields, keeps everything else', () => {
    const config = {
      model: { nLayer: 2, maxNewTokens: 64, eosToken: 0, tokenizer: 'char', tokensPerStep: 1024 },
      judge: {
        kind: 'openai',
        baseUrl: 'http://localhost:11434/v1',
        apiKey: 'not-a-real-key',
        headers: { Authorization: 'Bearer abc', 'X-Api-Key': 'k', Accept: 'application/json' },
        fallbacks: [{ url: 'http://a', api_key: 'k2', accessToken: 't', hfToken: 'h' }, { url: 'http://b' }],
      },
      password: 'p',
      clientSecret: 's',
      token: 't0',
      lr: 3e-3,
    };
    const before = structuredClone(config);
    const out = redactSecrets(config);
    expect(out).toEqual({
      model: { nLayer: 2, maxNewTokens: 64, eosToken: 0, tokenizer: 'char', tokensPerStep: 1024 },
      judge: {
        kind: 'openai',
        baseUrl: 'http://localhost:11434/v1',
        headers: { Accept: 'application/json' },
        fallbacks: [{ url: 'http://a' }, { url: 'http://b' }],
      },
      lr: 3e-3,
    });
    expect(config).toEqual(before); // not mutated
    expect(out.judge).not.toBe(config.judge); // a copy
  });

  it('drops credential-looking strings under innocent keys and inside arrays', () => {
    const key = 'sk-' + 'a1B2'.repeat(8);
    const out = redactSecrets({ note: key, hub: 'hf_' + 'x'.repeat(30), list: ['keep', key, 'Bearer zzz'], n: 3 });
    expect(out).toEqual({ list: ['keep'], n: 3 });
    expect(JSON.stringify(out)).not.toContain('sk-');
  });

  it('classifies key names and values', () => {
    for (const k of [
      'apiKey',
      'api_key',
      'API-KEY',
      'openaiApiKey',
      'authorization',
      'Proxy-Authorization',
      'refresh_token',
      'token',
      'secret',
      'credentials',
      'key',
      'x-goog-api-key',
      'Ocp-Apim-Subscription-Key',
      'accessKeyId',
    ])
      expect(isSecretKey(k), k).toBe(true);
    for (const k of [
      'maxNewTokens',
      'eosToken',
      'tokenizer',
      'tokens',
      'numTokens',
      'author',
      'keyframe',
      'seed',
      'keys',
      'monkey',
      'baseUrl',
      'model',
    ])
      expect(isSecretKey(k), k).toBe(false);
    expect(isSecretValue('sk-proj-' + 'Z'.repeat(20))).toBe(true);
    expect(isSecretValue('gpt-4o-mini')).toBe(false);
    expect(isSecretValue(42)).toBe(false);
  });

  it('a pre-training setup with RL and nested judge settings keeps everything but the key', () => {
    // The shape the run config takes once the RL/judge settings join it: the judge's own config type.
    const judge: LlmJudgeConfig = {
      ...DEFAULT_LLM_JUDGE_CONFIG,
      baseUrl: 'https://api.openai.com/v1',
      model: 'gpt-4o-mini',
      apiKey: KEY,
    };
    const config = {
      ...defaultSetup('tiny', { corpus: 'task-primitives' }),
      rl: { ...DEFAULT_RL },
      judge,
      judges: [{ ...judge, apiKey: 'ollama-local-key' }],
    };
    const out = redactSecrets(config);
    const { apiKey: _k, ...judgeWithoutKey } = judge;
    expect(out).toEqual({ ...config, judge: judgeWithoutKey, judges: [judgeWithoutKey] });
    expect(JSON.stringify(out)).not.toMatch(/sk-proj|ollama-local-key|apiKey/);
  });

  it('class instances, maps and sets are copied without their secrets (IndexedDB would keep their fields)', () => {
    class JudgeSettings {
      baseUrl = 'http://localhost:11434/v1';
      apiKey = KEY;
      headers = new Map<string, string>([
        ['Authorization', `Bearer ${KEY}`],
        ['Accept', 'application/json'],
      ]);
      tags = new Set(['local', KEY]);
    }
    const out = redactSecrets({ judge: new JudgeSettings(), weights: new Float32Array([1, 2]) });
    expect(out.judge).toEqual({
      baseUrl: 'http://localhost:11434/v1',
      headers: new Map([['Accept', 'application/json']]),
      tags: new Set(['local']),
    });
    expect(out.weights).toEqual(new Float32Array([1, 2]));
  });

  it('blanks keys inside texts and credentials inside URLs, and leaves other texts exactly as written', () => {
    expect(redactText(`401 from the judge: Incorrect API key provided: ${KEY}.`)).toBe(
      `401 from the judge: Incorrect API key provided: ${REDACTED}.`,
    );
    expect(redactText('curl -H "Authorization: Bearer abcdefgh12345678"')).toBe(`curl -H "Authorization: ${REDACTED}"`);
    expect(redactText('see https://user:hunter2@judge.example.com/v1 now')).toBe(
      'see https://judge.example.com/v1 now',
    );
    expect(redactText('https://host/v1beta/openai?key=AIzaSyA123&model=m')).toBe(
      'https://host/v1beta/openai?key=redacted&model=m',
    );
    for (const t of [
      'http://127.0.0.1:11434/v1',
      'http://localhost:8080',
      'tiny · 200 steps · seed 1',
      'Q: 48*2\n### 48*2=96',
    ])
      expect(redactText(t)).toBe(t);
    const cfg = redactSecrets({ judge: { baseUrl: 'https://me:pw@host/v1?api_key=abc' } });
    expect(cfg.judge.baseUrl).toBe('https://host/v1?api_key=redacted');
  });

  it('redactRun cleans the name, error and notes of a record as well as its config', () => {
    const run = {
      name: `try ${KEY}`,
      error: `judge failed: Bearer ${KEY}`,
      notes: `key was ${KEY}`,
      config: { judge: { apiKey: KEY } },
      step: 3,
    };
    const out = redactRun(run);
    expect(out).toEqual({
      name: `try ${REDACTED}`,
      error: `judge failed: ${REDACTED}`,
      notes: `key was ${REDACTED}`,
      config: { judge: {} },
      step: 3,
    });
    expect(run.config.judge.apiKey).toBe(KEY); // not mutated
  });

  it('passes non-objects through', () => {
    expect(redactSecrets(5)).toBe(5);
    expect(redactSecrets(null)).toBe(null);
    expect(redactSecrets('plain')).toBe('plain');
    expect(redactSecrets(KEY)).toBe(REDACTED);
  });
});
