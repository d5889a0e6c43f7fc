// Acquires a GPUDevice in the browser (navigator.gpu) or under Node (the `webgpu` package, Dawn).
// Under Node a real GPU is used when Dawn finds one; otherwise it falls back to SwiftShader's Vulkan
// driver shipped by Debian's chromium package. No adapter at all is an error that says what to install.
// Under Node, Dawn's robustness transform is off (see dawnOptions): the browser always keeps it.

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export interface GpuInfo {
  adapterName: string; // human-readable: "vendor architecture (description)"
  isFallback: boolean; // true for a CPU (SwiftShader) adapter
  hasF16: boolean;
  hasTimestamps: boolean; // the device was created with 'timestamp-query' (only when asked for)
  robustAccess: boolean; // Dawn clamps every buffer index in the shaders (always in a browser)
  limits: {
    maxStorageBufferBindingSize: number;
    maxComputeWorkgroupStorageSize: number;
    maxComputeInvocationsPerWorkgroup: number;
    maxStorageBuffersPerShaderStage: number;
  };
}

export interface GpuHandle {
  device: GPUDevice;
  info: GpuInfo;
}

export class NoAdapterError extends Error {
  constructor(where: 'browser' | 'node') {
    super(
      where === 'node'
        ? 'No WebGPU adapter found under Node. Without a GPU, install SwiftShader and the Vulkan loader: ' +
            '`apt-get install chromium libvulkan1` (or run `bash scripts/setup.sh`), then retry. ' +
            `The fallback uses VK_ICD_FILENAMES=${SWIFTSHADER_ICD}.`
        : 'This browser exposes WebGPU but returned no adapter. Enable hardware acceleration, update the GPU driver, ' +
            'or try Chrome/Edge 113+ (on Linux: chrome://flags/#enable-unsafe-webgpu).',
    );
    this.name = 'NoAdapterError';
  }
}

function describe(adapter: GPUAdapter, robustAccess: boolean): GpuInfo {
  const i = adapter.info;
  const parts = [i.vendor, i.architecture, i.device].filter((s) => s && s.length > 0);
  const name = parts.join(' ') + (i.description ? ` (${i.description})` : '');
  const l = adapter.limits;
  const swift = /swiftshader/i.test(name);
  return {
    adapterName: name || 'unknown adapter',
    isFallback: swift || (i as { isFallbackAdapter?: boolean }).isFallbackAdapter === true,
    hasF16: adapter.features.has('shader-f16'),
    hasTimestamps: false,
    robustAccess,
    limits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    },
  };
}

// Dawn's instance must outlive every adapter and device made from it: if the JS wrapper returned by
// create() is garbage-collected, Dawn's event loop touches freed memory and the process crashes at
// random. Instances are therefore kept here for the life of the process.
const liveInstances: GPU[] = [];

/** Set to 1 to keep Dawn's robustness transform under Node (to rule out an out-of-bounds access). */
export const ROBUST_ENV = 'EXPRL_ROBUST_SHADERS';

/**
 * Options of Dawn's Node instance. Dawn's robustness transform clamps every buffer index of every
 * shader, so that a shader from an untrusted page cannot read outside its buffers. Under Node the
 * shaders are this project's own, every kernel bounds its indices itself and is tested against its CPU
 * reference on awkward shapes, and the transform costs ~20% of compile time and ~25% of a training
 * step on SwiftShader (`npm run bench -- --only compare`), so it is turned off unless ROBUST_ENV=1.
 */
export function dawnOptions(env: Record<string, string | undefined>): string[] {
  return env[ROBUST_ENV] === '1' ? [] : ['enable-dawn-features=disable_robustness'];
}

async function nodeAdapter(options: string[]): Promise<GPUAdapter> {
  // The module name is built at run time so that bundlers never try to pull Dawn into the page.
  const modName = 'web' + 'gpu';
  const { create, globals } = await import(/* @vite-ignore */ modName);
  Object.assign(globalThis, globals);
  const env = process.env;
  const instance = (): GPU => {
    const gpu = create(options) as GPU;
    liveInstances.push(gpu);
    return gpu;
  };
  let adapter: GPUAdapter | null = await instance().requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter && !env.VK_ICD_FILENAMES) {
    const { existsSync } = await import(/* @vite-ignore */ 'node:' + 'fs');
    if (existsSync(SWIFTSHADER_ICD)) {
      env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
      adapter = await instance().requestAdapter();
    }
  }
  if (!adapter) throw new NoAdapterError('node');
  return adapter;
}

export interface AcquireOptions {
  /** Request 'timestamp-query' when the adapter has it (for the kernel profile); info.hasTimestamps says whether it did. */
  timestamps?: boolean;
  /** Under Node, keep Dawn's robustness transform whatever ROBUST_ENV says: for a peer library whose kernels rely on it. */
  robust?: boolean;
}

/** Default WebGPU limits are requested on purpose: kernels must run in every browser. */
export async function acquireGpu(opts: AcquireOptions = {}): Promise<GpuHandle> {
  const inBrowser = typeof navigator !== 'undefined' && 'gpu' in navigator && typeof process === 'undefined';
  let adapter: GPUAdapter | null;
  let robust = true;
  if (inBrowser) {
    adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) throw new NoAdapterError('browser');
  } else if (typeof process !== 'undefined' && process.versions?.node) {
    const options = opts.robust ? [] : dawnOptions(process.env);
    robust = options.length === 0;
    adapter = await nodeAdapter(options);
  } else {
    throw new Error(
      'WebGPU is not available here: use a browser with WebGPU (Chrome/Edge 113+, Safari 26+, Firefox 141+ on Windows).',
    );
  }
  const info = describe(adapter, robust);
  const requiredFeatures: GPUFeatureName[] = [];
  if (opts.timestamps && adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  const device = await adapter.requestDevice({ label: 'exprl-device', requiredFeatures });
  info.hasTimestamps = device.features.has('timestamp-query');
  return { device, info };
}
