// Generic matmul: out (M,N) = op(a) · op(b) (+ bias broadcast over rows), or out += op(a) · op(b)
// when ACCUMULATE. Mirrors matmul in src/ref/matmul.ts; the forward and backward passes of every
// linear layer are this one shader with different flags (see src/kernels/matmul.ts).
//   op(a) is (M,K): a stored (M,K), or (K,M) when TRANS_A.
//   op(b) is (K,N): b stored (K,N), or (N,K) when TRANS_B.
// The transposes are override constants (the inner loop's strides are known at compile time, as the
// kernel was tuned); ACCUMULATE, HAS_BIAS and GELU are uniform flags, since they only touch the
// epilogue. A run compiles at most 3 variants per workgroup shape (no transpose, TRANS_A, TRANS_B).
// Gradient rule: backward passes set ACCUMULATE, so gradients are added (+=) to what the buffer holds.
// Bindings:
//   0 out   array<f32>  (M,N)          written; accumulated (+=) when ACCUMULATE
//   1 a     array<f32>  (M,K) | (K,M)
//   2 b     array<f32>  (K,N) | (N,K)
//   3 bias  array<f32>  (N)            read only when HAS_BIAS (any read-only buffer is bound otherwise)
//   4 params uniform    { M, K, N, flags }  flags: 1 ACCUMULATE, 2 HAS_BIAS, 4 GELU
// Epilogue per element: x = acc (+ bias) (then gelu(x), tanh form as gelu_forward.wgsl) (then + out).
// Decoding uses GELU (the MLP's first layer) and ACCUMULATE with a bias (a residual branch added into
// the stream in place); training keeps them apart because its backward needs the pre-GELU values.
// Dispatch: (ceil(N / (8 WG_X)), ceil(M / (8 WG_Y))) workgroups of WG_X x WG_Y threads. Each thread
// keeps an 8x8 block of out in registers: rows r0 + i WG_Y and columns c0 + j WG_X (i, j < 8), so
// neighbouring threads read neighbouring columns of b and write neighbouring elements of out.
// No workgroup memory: on SwiftShader barriers cost more than the loads they save, and one k step
// here is 16 loads for 64 multiply-adds. The 8x8 block is written out by hand because loops over
// register arrays are compiled to memory traffic (measured ~8x slower); only the epilogue loops, once.

struct Params { M: u32, K: u32, N: u32, flags: u32, }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override WG_X: u32 = 8;
override WG_Y: u32 = 8;

// GELU, tanh form, as gelu_forward.wgsl: the argument of tanh is clamped to +-10 (tanh(10) == 1 in f32).
fn gelu(x: f32) -> f32 {
  let t = tanh(clamp(0.7978845608028654 * (x + 0.044715 * x * x * x), -10.0, 10.0));
  return 0.5 * x * (1.0 + t);
}

// Writes one element of the block, skipping rows and columns past the edge of out.
fn put(row: u32, col: u32, v: f32) {
  if (row >= params.M || col >= params.N) { return; }
  let idx = row * params.N + col;
  var x = v;
  if ((params.flags & 2u) != 0u) { x += bias[col]; }
  if ((params.flags & 4u) != 0u) { x = gelu(x); }
  if ((params.flags & 1u) != 0u) { x += out[idx]; }
  out[idx] = x;
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let M = params.M;
  let K = params.K;
  let N = params.N;
  let r0 = wid.y * WG_Y * 8u + lid.y;
  let c0 = wid.x * WG_X * 8u + lid.x;
  // Element op(a)[m,k] is a[m * aRow + k * aK]; op(b)[k,n] is b[k * bK + n * bCol].
  let aRow = select(K, 1u, TRANS_A);
  let aK = select(1u, M, TRANS_A);
  let bCol = select(1u, K, TRANS_B);
  let bK = select(N, 1u, TRANS_B);
  // Rows and columns past the edge are clamped onto the last one: loads stay in bounds without
  // branches, and put() drops the duplicated results.
  let a0 = min(r0, M - 1u) * aRow;
  let a1 = min(r0 + WG_Y, M - 1u) * aRow;
  let a2 = min(r0 + 2u * WG_Y, M - 1u) * aRow;
  let a3 = min(r0 + 3u * WG_Y, M - 1u) * aRow;
  let a4 = min(r0 + 4u * WG_Y, M - 1u) * aRow;
  let a5 = min(r0 + 5u * WG_Y, M - 1u) * aRow;
  let a6 = min(r0 + 6u * WG_Y, M - 1u) * aRow;
  let a7 = min(r0 + 7u * WG_Y, M - 1u) * aRow;
  let b0 = min(c0, N - 1u) * bCol;
  let b1 = min(c0 + WG_X, N - 1u) * bCol;
  let b2 = min(c0 + 2u * WG_X, N - 1u) * bCol;
  let b3 = min(c0 + 3u * WG_X, N - 1u) * bCol;
  let b4 = min(c0 + 4u * WG_X, N - 1u) * bCol;
  let b5 = min(c0 + 5u * WG_X, N - 1u) * bCol;
  let b6 = min(c0 + 6u * WG_X, N - 1u) * bCol;
  let b7 = min(c0 + 7u * WG_X, N - 1u) * bCol;
  // acc{i}l holds columns 0..3 of block row i, acc{i}h columns 4..7.
  var acc0l = vec4f(0.0); var acc0h = vec4f(0.0);
  var acc1l = vec4f(0.0); var acc1h = vec4f(0.0);
  var acc2l = vec4f(0.0); var acc2h = vec4f(0.0);
  var acc3l = vec4f(0.0); var acc3h = vec4f(0.0);
  var acc4l = vec4f(0.0); var acc4h = vec4f(0.0);
  var acc5l = vec4f(0.0); var acc5h = vec4f(0.0);
  var acc6l = vec4f(0.0); var acc6h = vec4f(0.0);
  var acc7l = vec4f(0.0); var acc7h = vec4f(0.0);
  var ka = 0u; // k * aK
  var kb = 0u; // k * bK
  for (var k = 0u; k < K; k++) {
    let bl = vec4f(b[b0 + kb], b[b1 + kb], b[b2 + kb], b[b3 + kb]);
    let bh = vec4f(b[b4 + kb], b[b5 + kb], b[b6 + kb], b[b7 + kb]);
    let x0 = vec4f(a[a0 + ka]);
    acc0l = fma(x0, bl, acc0l); acc0h = fma(x0, bh, acc0h);
    let x1 = vec4f(a[a1 + ka]);
    acc1l = fma(x1, bl, acc1l); acc1h = fma(x1, bh, acc1h);
    let x2 = vec4f(a[a2 + ka]);
    acc2l = fma(x2, bl, acc2l); acc2h = fma(x2, bh, acc2h);
    let x3 = vec4f(a[a3 + ka]);
    acc3l = fma(x3, bl, acc3l); acc3h = fma(x3, bh, acc3h);
    let x4 = vec4f(a[a4 + ka]);
    acc4l = fma(x4, bl, acc4l); acc4h = fma(x4, bh, acc4h);
    let x5 = vec4f(a[a5 + ka]);
    acc5l = fma(x5, bl, acc5l); acc5h = fma(x5, bh, acc5h);
    let x6 = vec4f(a[a6 + ka]);
    acc6l = fma(x6, bl, acc6l); acc6h = fma(x6, bh, acc6h);
    let x7 = vec4f(a[a7 + ka]);
    acc7l = fma(x7, bl, acc7l); acc7h = fma(x7, bh, acc7h);
    ka += aK;
    kb += bK;
  }
  // The block goes out through one loop and one put(): written out 64 times, the epilogue (bias, GELU,
  // accumulate) made this the slowest shader to compile, for no measurable gain at run time.
  var blk = array<vec4f, 16>(acc0l, acc0h, acc1l, acc1h, acc2l, acc2h, acc3l, acc3h,
                             acc4l, acc4h, acc5l, acc5h, acc6l, acc6h, acc7l, acc7h);
  for (var i = 0u; i < 8u; i++) {
    for (var j = 0u; j < 8u; j++) {
      put(r0 + i * WG_Y, c0 + j * WG_X, blk[2u * i + j / 4u][j % 4u]);
    }
  }
}
