// Bias gradient of a linear layer: dbias (N) += column sums of dout (M,N). Mirrors
// matmulBiasBackward in src/ref/matmul.ts.
// Race-free without atomics: each column belongs to one workgroup. Its WG_Y threads of that column
// sum rows y, y + WG_Y, y + 2 WG_Y, ...; the partial sums meet in workgroup memory and thread y = 0
// adds them in a fixed order, so the result is the same on every run.
// Gradient rule: accumulates (+=) into dbias; the model zeroes gradients once per backward.
// Bindings:
//   0 dbias  array<f32>  (N)    accumulated (+=)
//   1 dout   array<f32>  (M,N)
//   2 params uniform     { M, N }
// Dispatch: ceil(N / WG_X) workgroups of WG_X x WG_Y threads (x: columns, y: row stride).

struct Params { M: u32, N: u32, }

@group(0) @binding(0) var<storage, read_write> dbias: array<f32>;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

override WG_X: u32 = 16;
override WG_Y: u32 = 4;

var<workgroup> partial: array<f32, WG_X * WG_Y>;

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let M = params.M;
  let N = params.N;
  let col = wid.x * WG_X + lid.x;
  var sum = 0.0;
  if (col < N) {
    for (var row = lid.y; row < M; row += WG_Y) {
      sum += dout[row * N + col];
    }
  }
  partial[lid.y * WG_X + lid.x] = sum;
  // Every thread reaches the barrier: no early return above.
  workgroupBarrier();
  if (lid.y == 0u && col < N) {
    var total = 0.0;
    for (var y = 0u; y < WG_Y; y++) {
      total += partial[y * WG_X + lid.x];
    }
    dbias[col] = dbias[col] + total;
  }
}
