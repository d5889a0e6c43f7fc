// The capability check done on load: asks the worker for an adapter and a device and keeps what it
// found (adapter name, key limits, shader-f16). When WebGPU is missing it explains why and what to do,
// tailored to the visitor's browser; it never shows a stack trace.

import type { Capabilities, TrainerApi } from '../../worker/api';
import { formatBytes } from '../format';

export type CapabilityStatus = 'checking' | 'ready' | 'unsupported';
export type Unsupported = Extract<Capabilities, { ok: false }>;

export interface Guidance {
  title: string;
  summary: string;
  steps: string[]; // most likely fix first
}

/** What the page shows without a usable WebGPU device. */
export function guidance(c: Unsupported, userAgent: string, secureContext: boolean): Guidance {
  const ua = userAgent.toLowerCase();
  const chromium = /chrome|chromium|edg\//.test(ua);
  const linux = /linux/.test(ua) && !/android/.test(ua);
  const firefox = /firefox/.test(ua);
  const safari = /safari/.test(ua) && !chromium;
  if (c.reason === 'no-webgpu') {
    const steps: string[] = [];
    if (!secureContext)
      steps.push('Open the page over https:// or from http://localhost: browsers offer WebGPU only to secure pages.');
    if (chromium && linux)
      steps.push(
        'Chrome/Chromium on Linux: open chrome://flags/#enable-unsafe-webgpu, choose Enabled, and restart the browser (add chrome://flags/#enable-vulkan if the adapter is still missing).',
      );
    if (firefox)
      steps.push(
        'Firefox: WebGPU is on by default from Firefox 141 on Windows; elsewhere set dom.webgpu.enabled to true in about:config (Nightly) or use Chrome.',
      );
    if (safari)
      steps.push(
        'Safari: WebGPU is on by default from Safari 26; on older versions enable it under Develop > Feature Flags > WebGPU.',
      );
    steps.push(
      'Use Chrome or Edge 113 or newer on Windows, macOS or ChromeOS, Chrome 121+ on Android, Safari 26+, or Firefox 141+ on Windows.',
    );
    steps.push(
      'If WebGPU was turned off on purpose (by a browser flag or an administrator policy), turn it back on for this site.',
    );
    return {
      title: 'This browser does not offer WebGPU',
      summary:
        'The playground trains a transformer on your GPU through WebGPU, and this browser does not expose it. Nothing is sent to a server, so there is no fallback: the page needs WebGPU.',
      steps,
    };
  }
  if (c.reason === 'no-adapter') {
    return {
      title: 'WebGPU is present but found no GPU adapter',
      summary: 'The browser supports WebGPU but could not give this page a GPU to use.',
      steps: [
        'Turn on hardware acceleration (Chrome: Settings > System > "Use graphics acceleration when available") and restart the browser.',
        'Check chrome://gpu: if WebGPU is listed as disabled or blocklisted, update the graphics driver or enable chrome://flags/#enable-unsafe-webgpu.',
        'On Linux, WebGPU also needs Vulkan: enable chrome://flags/#enable-vulkan.',
        'Machines without a GPU can still use a CPU adapter: Chromium started with --enable-unsafe-webgpu --use-webgpu-adapter=swiftshader.',
        'Or try another browser with WebGPU: Chrome or Edge 113+, Safari 26+, Firefox 141+ on Windows.',
      ],
    };
  }
  return {
    title: 'The GPU device could not be created',
    summary: `An adapter was found but opening it failed: ${c.message}`,
    steps: [
      'Reload the page.',
      'Close other tabs that use the GPU heavily, then reload.',
      'Update the browser and the graphics driver.',
    ],
  };
}

/** The limits table of the Device tab, with units where they help. */
export function limitRows(limits: Record<string, number>): { name: string; value: string }[] {
  return Object.entries(limits).map(([name, v]) => ({
    name,
    value: /Size$/.test(name) ? `${v.toLocaleString('en-US')} (${formatBytes(v)})` : v.toLocaleString('en-US'),
  }));
}

export class CapabilityState {
  status = $state<CapabilityStatus>('checking');
  caps = $state<Capabilities | undefined>();

  /** Runs the check; `hasWebGpu` is whether the page itself sees navigator.gpu (skips the worker if not). */
  async check(api: Pick<TrainerApi, 'probe'>, hasWebGpu: boolean): Promise<Capabilities> {
    this.status = 'checking';
    let caps: Capabilities;
    if (!hasWebGpu) caps = { ok: false, reason: 'no-webgpu', message: 'navigator.gpu is missing' };
    else {
      try {
        caps = await api.probe();
      } catch (e) {
        caps = { ok: false, reason: 'device-failed', message: e instanceof Error ? e.message : String(e) };
      }
    }
    this.caps = caps;
    this.status = caps.ok ? 'ready' : 'unsupported';
    return caps;
  }

  /** Short label for the header, e.g. "SwiftShader (CPU)". */
  get label(): string {
    const c = this.caps;
    if (this.status === 'checking') return 'checking WebGPU…';
    if (!c || !c.ok)
      return c?.reason === 'no-adapter'
        ? 'no adapter'
        : c?.reason === 'device-failed'
          ? 'device failed'
          : 'not available';
    return c.isFallback ? `${c.adapterName} · CPU fallback` : c.adapterName;
  }
}
