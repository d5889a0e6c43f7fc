// CPU reference for the zero fill. Mirrors shaders/zero.wgsl, with the same argument order.
// Only the first N elements are cleared; the rest of the array is left as it is.

/** buf (N) = 0 */
export function zeroBuffer(buf: Float32Array | Int32Array, N: number): void {
  // fill() stops at N, like the kernel's bounds check
  buf.fill(0, 0, N);
}
