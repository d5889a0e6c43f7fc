// Workgroup grids for 1-D element-wise kernels: x up to 65535 workgroups, the rest wraps into y.
// Shaders recover the flat index as gid.x + gid.y * num_workgroups.x * WG.

export function grid1d(n: number, wg: number): [number, number] {
  const total = Math.ceil(n / wg);
  if (total <= 65535) return [total, 1];
  const y = Math.ceil(total / 65535);
  return [Math.ceil(total / y), y];
}
