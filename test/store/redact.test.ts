// redactSecrets: secret fields go at any depth (objects and arrays), ordinary fields whose names merely
// contain "token" stay, credential-looking strings go whatever their key, and the input is not mutated.

import { describe, expect, it } from 'vitest';
import { isSecretKey, isSecretValue, redactSecrets } from '../../src/store/redact';

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
    for (const k of ['apiKey', 'api_key', 'API-KEY', 'openaiApiKey', 'authorization', 'Proxy-Authorization', 'refresh_token', 'token', 'secret', 'credentials'])
      expect(isSecretKey(k), k).toBe(true);
    for (const k of ['maxNewTokens', 'eosToken', 'tokenizer', 'tokens', 'numTokens', 'author', 'keyframe', 'seed'])
      expect(isSecretKey(k), k).toBe(false);
    expect(isSecretValue('sk-proj-' + 'Z'.repeat(20))).toBe(true);
    expect(isSecretValue('gpt-4o-mini')).toBe(false);
    expect(isSecretValue(42)).toBe(false);
  });

  it('passes non-objects through', () => {
    expect(redactSecrets(5)).toBe(5);
    expect(redactSecrets(null)).toBe(null);
    expect(redactSecrets('plain')).toBe('plain');
  });
});
