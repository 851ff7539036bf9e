// Debug scan: sets flags[slot] to 1 when any of x[0..n) is NaN or +-Inf.
// index_common.wgsl (flat_index) is prepended.
// Bindings: 0 uniform {n, slot}, 1 x (read), 2 flags (read_write, one u32 per checked output).

struct Params {
  n: u32,
  slot: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> flags: array<u32>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(wid, nwg, lid, WG);
  if (i >= params.n) {
    return;
  }
  // Compare bit patterns: the exponent field all ones means Inf or NaN (a float compare may be folded away).
  let bits = bitcast<u32>(x[i]);
  if ((bits & 0x7f800000u) == 0x7f800000u) {
    flags[params.slot] = 1u;
  }
}
