// unary: out[i] = op(x[i], alpha) for i < n.
// `op` is generated at run time from the table in engine/backend/webgpu/elementwise.ts and prepended, with
// index_common.wgsl (flat_index).
// Bindings: 0 uniform {n, alpha}, 1 x, 2 out.

struct Params {
  n: u32,
  alpha: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(wid, nwg, lid, WG);
  if (i < params.n) {
    out[i] = op(x[i], params.alpha);
  }
}
