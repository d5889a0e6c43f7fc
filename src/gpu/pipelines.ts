// Pipeline cache keyed explicitly by everything that changes the compiled shader: kernel name,
// entry point and override constants. Every module and pipeline is labelled with its kernel name,
// so validation errors and captures say which kernel failed.

export type Constants = Record<string, number>;

export function pipelineKey(name: string, entryPoint: string, constants: Constants): string {
  const c = Object.keys(constants).sort().map((k) => `${k}=${constants[k]}`).join(',');
  return `${name}:${entryPoint}{${c}}`;
}

export class PipelineCache {
  private modules = new Map<string, GPUShaderModule>();
  private pipelines = new Map<string, GPUComputePipeline>();
  constructor(readonly device: GPUDevice) {}

  /** Returns the compute pipeline for `code` compiled with `constants`, building it on first use. */
  get(name: string, code: string, constants: Constants = {}, entryPoint = 'main'): GPUComputePipeline {
    const key = pipelineKey(name, entryPoint, constants);
    let p = this.pipelines.get(key);
    if (p) return p;
    let module = this.modules.get(name);
    if (!module) {
      module = this.device.createShaderModule({ label: name, code });
      this.modules.set(name, module);
    }
    p = this.device.createComputePipeline({ label: key, layout: 'auto', compute: { module, entryPoint, constants } });
    this.pipelines.set(key, p);
    return p;
  }

  get size(): number {
    return this.pipelines.size;
  }
}
