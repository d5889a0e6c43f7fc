// Appends each running row's sampled token to its sequence and marks rows that end. Mirrors the
// per-row part of appendTokens in src/ref/sample.ts (the counter increment is counter_increment.wgsl).
//   for rows with done == 0: seqs[s, lengths[s]] = next[s]; lengths[s]++;
//   done = 1 (EOS) if next == eosId, else 2 (truncated) once lengths reaches min(stopLength, Tmax).
// A running row already at the limit only becomes 2; done rows are never touched.
// Bindings:
//   0 seqs     array<i32> (S,Tmax)  updated
//   1 lengths  array<i32> (S)       updated
//   2 done     array<u32> (S)       updated: 0 running, 1 EOS, 2 truncated
//   3 next     array<i32> (S)       sampled tokens
//   4 params   uniform              { S, Tmax, eosId, stopLength }
// Dispatch: ceil(S / WG) workgroups along x, wrapping into y when S is large (src/kernels/grid.ts).

struct Params { S: u32, Tmax: u32, eosId: i32, stopLength: u32, }

@group(0) @binding(0) var<storage, read_write> seqs: array<i32>;
@group(0) @binding(1) var<storage, read_write> lengths: array<i32>;
@group(0) @binding(2) var<storage, read_write> done: array<u32>;
@group(0) @binding(3) var<storage, read> next: array<i32>;
@group(0) @binding(4) var<uniform> params: Params;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = gid.x + gid.y * nwg.x * WG;
  if (s >= params.S || done[s] != 0u) { return; }
  let limit = min(params.stopLength, params.Tmax);
  let len = u32(max(lengths[s], 0));
  if (len >= limit) {
    done[s] = 2u;
    return;
  }
  let tok = next[s];
  seqs[s * params.Tmax + len] = tok;
  lengths[s] = i32(len + 1u);
  if (tok == params.eosId) {
    done[s] = 1u;
  } else if (len + 1u >= limit) {
    done[s] = 2u;
  }
}
