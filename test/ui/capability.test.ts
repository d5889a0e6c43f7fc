// The capability check and the explanation shown without WebGPU: which browsers, which flag, and
// https/localhost when the page is not a secure context. Never a stack trace.
import { describe, expect, it } from 'vitest';
import { CapabilityState, guidance, limitRows, type Unsupported } from '../../src/ui/state/capability.svelte';
import type { Capabilities } from '../../src/worker/api';

const LINUX_CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const MAC_SAFARI =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const noWebGpu: Unsupported = { ok: false, reason: 'no-webgpu', message: 'navigator.gpu is missing' };
const ok: Capabilities = {
  ok: true,
  adapterName: 'google swiftshader',
  isFallback: true,
  hasF16: false,
  limits: { maxStorageBufferBindingSize: 134217728, maxComputeInvocationsPerWorkgroup: 256 },
};

describe('guidance', () => {
  it('Chrome on Linux is pointed at the WebGPU flag, and every case names browsers', () => {
    const g = guidance(noWebGpu, LINUX_CHROME, true);
    expect(g.title).toMatch(/does not offer WebGPU/);
    expect(g.steps[0]).toMatch(/chrome:\/\/flags\/#enable-unsafe-webgpu/);
    expect(g.steps.join(' ')).toMatch(/Chrome or Edge 113/);
    expect(g.steps.join(' ')).not.toMatch(/https:\/\//);
  });

  it('an insecure page is told to use https or localhost first', () => {
    const g = guidance(noWebGpu, LINUX_CHROME, false);
    expect(g.steps[0]).toMatch(/https:\/\/.*localhost/);
  });

  it('Safari and Firefox get their own advice', () => {
    expect(guidance(noWebGpu, MAC_SAFARI, true).steps.join(' ')).toMatch(/Safari 26/);
    expect(guidance(noWebGpu, FIREFOX, true).steps.join(' ')).toMatch(/dom\.webgpu\.enabled/);
  });

  it('no adapter and a failed device have their own explanations', () => {
    const a = guidance({ ok: false, reason: 'no-adapter', message: 'x' }, LINUX_CHROME, true);
    expect(a.title).toMatch(/no GPU adapter/);
    expect(a.steps.join(' ')).toMatch(/hardware acceleration/);
    expect(a.steps.join(' ')).toMatch(/Chrome or Edge 113/);
    const d = guidance({ ok: false, reason: 'device-failed', message: 'out of memory' }, LINUX_CHROME, true);
    expect(d.summary).toMatch(/out of memory/);
  });
});

describe('CapabilityState', () => {
  it('asks the worker and keeps what it found', async () => {
    const c = new CapabilityState();
    expect(c.status).toBe('checking');
    expect(c.label).toMatch(/checking/);
    await c.check({ probe: async () => ok }, true);
    expect(c.status).toBe('ready');
    expect(c.label).toBe('google swiftshader · CPU fallback');
  });

  it('without navigator.gpu the worker is not asked', async () => {
    const c = new CapabilityState();
    let asked = false;
    await c.check({ probe: async () => ((asked = true), ok) }, false);
    expect(asked).toBe(false);
    expect(c.status).toBe('unsupported');
    expect(c.caps).toMatchObject({ ok: false, reason: 'no-webgpu' });
    expect(c.label).toBe('not available');
  });

  it('a probe that throws becomes an explained failure', async () => {
    const c = new CapabilityState();
    await c.check({ probe: async () => Promise.reject(new Error('worker crashed')) }, true);
    expect(c.caps).toEqual({ ok: false, reason: 'device-failed', message: 'worker crashed' });
    expect(c.label).toBe('device failed');
  });

  it('limit rows show sizes in bytes too', () => {
    const rows = limitRows(ok.ok ? ok.limits : {});
    expect(rows[0]).toEqual({ name: 'maxStorageBufferBindingSize', value: '134,217,728 (128.0 MiB)' });
    expect(rows[1]).toEqual({ name: 'maxComputeInvocationsPerWorkgroup', value: '256' });
  });
});
