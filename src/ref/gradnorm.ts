// CPU reference for the squared global gradient norm. Mirrors shaders/gradnorm.wgsl with the same
// argument order: per-chunk partial sums written to `partials`, then their total. Sums run in
// float64 here, so it is the exact value the float32 GPU tree approximates, not a bit-for-bit copy.

/** Elements per partial sum; equal to GRADNORM_CHUNK in src/kernels/gradnorm.ts (the kernel test compares partials). */
export const CHUNK = 4096;

/** out (1) = sum of grads (N) squared; partials (ceil(N/CHUNK)) receives the per-chunk sums. */
export function gradNormSquared(
  out: Float32Array, // (1)
  partials: Float32Array, // (ceil(N/CHUNK)) scratch, overwritten
  grads: Float32Array, // (N)
  N: number,
): void {
  const P = Math.max(1, Math.ceil(N / CHUNK));
  let total = 0;
  for (let g = 0; g < P; g++) {
    // Chunk g covers grads[g*CHUNK .. min(N, (g+1)*CHUNK)), as workgroup g of the `partial` pass.
    let s = 0;
    const end = Math.min(N, (g + 1) * CHUNK);
    for (let i = g * CHUNK; i < end; i++) s += grads[i] * grads[i];
    partials[g] = s;
    total += s;
  }
  out[0] = total;
}
