// Bias gradient of a linear layer: dbias (N) += column sums of dout (M,N). Mirrors
// matmulBiasBackward in src/ref/matmul.ts.
// Race-free without atomics or barriers: one thread per column sums its rows in order, so the result
// is the same on every run. Neighbouring threads read neighbouring columns of a row. (A workgroup
// reduction over rows compiled 2-3x slower on SwiftShader for no gain at the model's M of 1-2K rows.)
// Gradient rule: accumulates (+=) into dbias; the model zeroes gradients once per backward.
// Bindings:
//   0 dbias  array<f32>  (N)    accumulated (+=)
//   1 dout   array<f32>  (M,N)
//   2 params uniform     { M, N }
// Dispatch: ceil(N / WG) workgroups of WG threads.

struct Params { M: u32, N: u32, }

@group(0) @binding(0) var<storage, read_write> dbias: array<f32>;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let N = params.N;
  let col = gid.x;
  if (col >= N) { return; }
  var sum = 0.0;
  for (var row = 0u; row < params.M; row++) {
    sum += dout[row * N + col];
  }
  dbias[col] = dbias[col] + sum;
}
