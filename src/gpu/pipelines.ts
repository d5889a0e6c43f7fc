// Pipeline cache keyed explicitly by everything that changes the compiled shader: kernel name,
// entry point and override constants (one WGSL source per kernel name, checked). Every module and
// pipeline is labelled with its kernel name, so validation errors and captures say which kernel failed.
//
// Pipelines are requested when dispatches are recorded and made in one of three ways:
//  - 'async': request() only registers; ready() creates every pipeline requested so far concurrently
//    with createComputePipelineAsync and waits for them. Only what a run records is compiled, and the
//    page stays responsive while the browser compiles on its own threads. A pipeline encoded before
//    ready() is made synchronously on first use (correct, just not overlapped).
//  - 'lazy': request() only registers and ready() does nothing: each pipeline is made synchronously
//    when a dispatch first encodes it. encodeSubmitting() (dispatch.ts) submits the work encoded so
//    far before such a dispatch, so the GPU runs the first kernels of a step while the CPU compiles
//    the later ones.
//  - 'sync': request() creates the pipeline at once with createComputePipeline.
// The default is 'async' in a browser and 'lazy' under Node, where Dawn's binding creates "async"
// pipelines one at a time while polling (slower than synchronous creation), and where overlapping
// compilation with the first step's kernels took a third off the time to the first step of `small`
// (`npm run bench -- --only compare` times both trees; the probe's async column is this cache's
// 'async' mode). Shader modules are made once per kernel name.

export type Constants = Record<string, number>;
export type PipelineMode = 'sync' | 'async' | 'lazy';

export function pipelineKey(name: string, entryPoint: string, constants: Constants): string {
  const c = Object.keys(constants)
    .sort()
    .map((k) => `${k}=${constants[k]}`)
    .join(',');
  return `${name}:${entryPoint}{${c}}`;
}

/** A pipeline that may not exist yet: `get()` returns it, creating it synchronously if ready() has not. */
export class PipelineHandle {
  private made: GPUComputePipeline | null = null;
  private making: Promise<void> | null = null;
  constructor(
    readonly key: string,
    private readonly desc: GPUComputePipelineDescriptor,
    private readonly device: GPUDevice,
  ) {}

  get created(): boolean {
    return this.made !== null;
  }

  get(): GPUComputePipeline {
    this.made ??= this.device.createComputePipeline(this.desc);
    return this.made;
  }

  /** Creates the pipeline asynchronously (once); resolves when it exists. */
  createAsync(): Promise<void> {
    if (this.made) return Promise.resolve();
    this.making ??= this.device.createComputePipelineAsync(this.desc).then((p) => {
      this.made ??= p;
    });
    return this.making;
  }
}

/** Browser without Node: the page (or its worker). */
function inBrowser(): boolean {
  return typeof navigator !== 'undefined' && 'gpu' in navigator && typeof process === 'undefined';
}

export class PipelineCache {
  private modules = new Map<string, { module: GPUShaderModule; code: string }>();
  private handles = new Map<string, PipelineHandle>();
  readonly mode: PipelineMode;

  constructor(
    readonly device: GPUDevice,
    mode?: PipelineMode,
  ) {
    this.mode = mode ?? (inBrowser() ? 'async' : 'lazy');
  }

  /** The handle of the pipeline for `code` compiled with `constants`; created now in 'sync' mode, by ready() in 'async', when first encoded in 'lazy'. */
  request(name: string, code: string, constants: Constants = {}, entryPoint = 'main'): PipelineHandle {
    let entry = this.modules.get(name);
    if (!entry) {
      entry = { module: this.device.createShaderModule({ label: name, code }), code };
      this.modules.set(name, entry);
    } else if (entry.code !== code) {
      // Everything is cached by kernel name: two sources under one name would silently share the first.
      throw new Error(`pipeline cache: kernel name ${JSON.stringify(name)} is already used by different WGSL source`);
    }
    const key = pipelineKey(name, entryPoint, constants);
    let h = this.handles.get(key);
    if (!h) {
      h = new PipelineHandle(
        key,
        { label: key, layout: 'auto', compute: { module: entry.module, entryPoint, constants } },
        this.device,
      );
      this.handles.set(key, h);
      if (this.mode === 'sync') h.get();
    }
    return h;
  }

  /** The compute pipeline, created synchronously if it does not exist yet. */
  get(name: string, code: string, constants: Constants = {}, entryPoint = 'main'): GPUComputePipeline {
    return this.request(name, code, constants, entryPoint).get();
  }

  /** Pipelines requested but not created yet. */
  get pending(): number {
    let n = 0;
    for (const h of this.handles.values()) if (!h.created) n++;
    return n;
  }

  /** 'async': creates every requested pipeline that does not exist yet, all at once, and waits for them. */
  async ready(): Promise<void> {
    if (this.mode !== 'async') return;
    const uncreated = [...this.handles.values()].filter((h) => !h.created);
    if (uncreated.length > 0) await Promise.all(uncreated.map((h) => h.createAsync()));
  }

  get size(): number {
    return this.handles.size;
  }
}
