// Workgroup grids for 1-D element-wise kernels: x up to 65535 workgroups, the rest wraps into y.
// Shaders recover the flat index as gid.x + gid.y * num_workgroups.x * WG (the workgroup index as
// wid.x + wid.y * num_workgroups.x). Also the entry-point choice shared by the element-wise kernels.

export function grid1d(n: number, wg: number): [number, number] {
  const total = Math.ceil(n / wg);
  if (total <= 65535) return [total, 1];
  const y = Math.ceil(total / 65535);
  return [Math.ceil(total / y), y];
}

const WG = 256; // threads per workgroup in a scalar `main` entry point
const WG4 = 64; // threads per workgroup in a vec4 `main4` entry point
const PER4 = 8; // vec4s per thread in `main4`: fewer, wider invocations (what costs on CPU adapters)

/**
 * Entry point, override constants and grid of an element-wise kernel with a scalar `main` (one element
 * per thread) and a vec4 `main4` (PER vec4s per thread), as gelu_*.wgsl and residual_*.wgsl: counts
 * that are multiples of 4 take `main4`.
 */
export function elementwiseEntry(N: number): {
  entryPoint: string;
  constants: Record<string, number>;
  workgroups: [number, number];
} {
  if (N % 4 === 0)
    return { entryPoint: 'main4', constants: { WG: WG4, PER: PER4 }, workgroups: grid1d(N / 4, WG4 * PER4) };
  return { entryPoint: 'main', constants: { WG }, workgroups: grid1d(N, WG) };
}
