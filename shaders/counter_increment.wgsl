// counter[0] += 1: advances the sampling RNG to the next decode step. Mirrors the last line of
// appendTokens in src/ref/sample.ts. A dispatch of its own, so it runs after every row of the
// step's sample_tokens dispatch has read the old value; many steps then fit in one command buffer.
// Bindings:
//   0 counter  array<u32> (1)  incremented (wraps at 2^32)
// Dispatch: 1 workgroup of 1 thread.

@group(0) @binding(0) var<storage, read_write> counter: array<u32>;

@compute @workgroup_size(1)
fn main() {
  counter[0] = counter[0] + 1u;
}
