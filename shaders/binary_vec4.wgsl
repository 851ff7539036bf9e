// binary, four elements per thread: when n % 4 == 0 and each operand is read FULL, SCALAR or DIVMOD with its
// four values one aligned quad or one value (broadcast_common.wgsl), a thread computes out[4q .. 4q+3] from
// one vec4 load of each operand (a scalar operand is its element 0, the same in every thread). Same op and Params as binary.wgsl, prepended likewise.
// Bindings: 0 uniform Params, 1 a, 2 b, 3 out.

@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> out: array<vec4<f32>>;

override WG: u32;
override MODE_A: u32;
override MODE_B: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = flat_index(wid, nwg, lid, WG);
  if (q >= params.n / 4u) {
    return;
  }
  let x_source = quad_source(q, 0u, MODE_A);
  let x = quad_values(a[x_source.x], x_source);
  let y_source = quad_source(q, 1u, MODE_B);
  let y = quad_values(b[y_source.x], y_source);
  let alpha = params.alpha;
  out[q] = vec4(op(x.x, y.x, alpha), op(x.y, y.y, alpha), op(x.z, y.z, alpha), op(x.w, y.w, alpha));
}
