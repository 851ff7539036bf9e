// where: out (contiguous, `shape`) = cond != 0 ? a : b, all three broadcast to out's shape and each read
// in its access mode (broadcast_common.wgsl, prepended).
// Bindings: 0 uniform Params, 1 cond, 2 a, 3 b, 4 out.

@group(0) @binding(1) var<storage, read> cond: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

override WG: u32;
override MODE_COND: u32;
override MODE_A: u32;
override MODE_B: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(wid, nwg, lid, WG);
  if (i >= params.n) {
    return;
  }
  let c = cond[operand_index(i, 0u, MODE_COND)];
  out[i] = select(b[operand_index(i, 2u, MODE_B)], a[operand_index(i, 1u, MODE_A)], c != 0.0);
}
