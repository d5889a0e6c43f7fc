// One lockstep rollout step per sequence, after the step at position t = counter[0] sampled next[s]:
//   done rows: untouched.
//   rows still reading their prompt (t + 1 < promptLens[s]): untouched (seqs[s,t+1] is the prompt).
//   generating rows: seqs[s,t+1] = next[s], lengths[s] = t + 2; done on eosId; else done and
//   truncated once it holds maxNewTokens new tokens or fills Tmax. A row with no room left
//   (t + 1 >= Tmax) becomes done and truncated without writing.
// Mirrors the per-row part of rolloutAdvance in src/ref/rollout_advance.ts; the counter increment
// is shaders/counter_increment.wgsl, a dispatch of its own so every row reads the same t.
// Bindings:
//   0 seqs        array<i32>  (S,Tmax)  column t+1 written
//   1 lengths     array<i32>  (S)       tokens in the sequence, prompt included
//   2 done        array<u32>  (S)       0 running, 1 ended
//   3 truncated   array<u32>  (S)       1 ended by the length limit, not by EOS
//   4 next        array<i32>  (S)       the tokens sampled at position t
//   5 promptLens  array<i32>  (S)
//   6 counter     array<u32>  (1)       the current position t, read
//   7 params      uniform     { S, Tmax, eosId, maxNewTokens }
// Dispatch: one thread per row, ceil(S / WG) workgroups along x, wrapping into y.

struct Params { S: u32, Tmax: u32, eosId: i32, maxNewTokens: u32, }

@group(0) @binding(0) var<storage, read_write> seqs: array<i32>;
@group(0) @binding(1) var<storage, read_write> lengths: array<i32>;
@group(0) @binding(2) var<storage, read_write> done: array<u32>;
@group(0) @binding(3) var<storage, read_write> truncated: array<u32>;
@group(0) @binding(4) var<storage, read> next: array<i32>;
@group(0) @binding(5) var<storage, read> promptLens: array<i32>;
@group(0) @binding(6) var<storage, read> counter: array<u32>;
@group(0) @binding(7) var<uniform> params: Params;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = gid.x + gid.y * nwg.x * WG;
  if (s >= params.S || done[s] != 0u) { return; }
  let t = counter[0];
  let pl = u32(max(promptLens[s], 1));
  if (t + 1u < pl) { return; } // still reading the prompt
  if (t + 1u >= params.Tmax) {
    done[s] = 1u;
    truncated[s] = 1u;
    return;
  }
  let tok = next[s];
  seqs[s * params.Tmax + t + 1u] = tok;
  lengths[s] = i32(t + 2u);
  if (tok == params.eosId) {
    done[s] = 1u;
  } else if (t + 2u - pl >= params.maxNewTokens || t + 2u >= params.Tmax) {
    done[s] = 1u;
    truncated[s] = 1u;
  }
}
