// On-policy self-distillation advantage: adv = logpTeacher - logpStudent, the negative per-token
// reverse-KL signal, fed to the clipped policy loss with beta 0. Mirrors opsdAdvantage in
// src/ref/policy_loss.ts.
// Bindings:
//   0 adv          array<f32> (N)  written
//   1 logpStudent  array<f32> (N)
//   2 logpTeacher  array<f32> (N)
//   3 params       uniform    { N }
// Dispatch: ceil(N / WG) workgroups along x, wrapping into y when N is large (src/kernels/grid.ts).

struct Params { N: u32, }

@group(0) @binding(0) var<storage, read_write> adv: array<f32>;
@group(0) @binding(1) var<storage, read> logpStudent: array<f32>;
@group(0) @binding(2) var<storage, read> logpTeacher: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= params.N) { return; }
  adv[i] = logpTeacher[i] - logpStudent[i];
}
