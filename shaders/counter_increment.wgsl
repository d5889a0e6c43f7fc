// counter[0] += 1: advances the decode position t (and with it the sampling RNG's draw) to the next
// step. Mirrors the last line of rolloutAdvance in src/ref/rollout_advance.ts. A dispatch of its own,
// so it runs after every reader of the old value in the step (decode kernels, sample_tokens,
// rollout_advance); many steps then fit in one command buffer with no uniform writes.
// Bindings:
//   0 counter  array<u32> (1)  incremented (wraps at 2^32)
// Dispatch: 1 workgroup of 1 thread.

@group(0) @binding(0) var<storage, read_write> counter: array<u32>;

@compute @workgroup_size(1)
fn main() {
  counter[0] = counter[0] + 1u;
}
