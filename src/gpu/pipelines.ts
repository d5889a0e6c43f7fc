// Pipeline cache keyed explicitly by everything that changes the compiled shader: kernel name,
// entry point and override constants (one WGSL source per kernel name, checked). Every module and
// pipeline is labelled with its kernel name, so validation errors and captures say which kernel failed.

export type Constants = Record<string, number>;

export function pipelineKey(name: string, entryPoint: string, constants: Constants): string {
  const c = Object.keys(constants).sort().map((k) => `${k}=${constants[k]}`).join(',');
  return `${name}:${entryPoint}{${c}}`;
}

export class PipelineCache {
  private modules = new Map<string, { module: GPUShaderModule; code: string }>();
  private pipelines = new Map<string, GPUComputePipeline>();
  constructor(readonly device: GPUDevice) {}

  /** Returns the compute pipeline for `code` compiled with `constants`, building it on first use. */
  get(name: string, code: string, constants: Constants = {}, entryPoint = 'main'): GPUComputePipeline {
    let entry = this.modules.get(name);
    if (!entry) {
      entry = { module: this.device.createShaderModule({ label: name, code }), code };
      this.modules.set(name, entry);
    } else if (entry.code !== code) {
      // Everything is cached by kernel name: two sources under one name would silently share the first.
      throw new Error(`pipeline cache: kernel name ${JSON.stringify(name)} is already used by different WGSL source`);
    }
    const key = pipelineKey(name, entryPoint, constants);
    let p = this.pipelines.get(key);
    if (p) return p;
    p = this.device.createComputePipeline({ label: key, layout: 'auto', compute: { module: entry.module, entryPoint, constants } });
    this.pipelines.set(key, p);
    return p;
  }

  get size(): number {
    return this.pipelines.size;
  }
}
