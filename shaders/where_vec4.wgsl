// where, four elements per thread: when n % 4 == 0 and each of cond, a and b is read FULL, SCALAR or DIVMOD
// with its four values one aligned quad or one value (broadcast_common.wgsl, prepended): one vec4 load each.
// Bindings: 0 uniform Params, 1 cond, 2 a, 3 b, 4 out.

@group(0) @binding(1) var<storage, read> cond: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> out: array<vec4<f32>>;

override WG: u32;
override MODE_COND: u32;
override MODE_A: u32;
override MODE_B: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = flat_index(wid, nwg, lid, WG);
  if (q >= params.n / 4u) {
    return;
  }
  let c_source = quad_source(q, 0u, MODE_COND);
  let c = quad_values(cond[c_source.x], c_source);
  let x_source = quad_source(q, 1u, MODE_A);
  let x = quad_values(a[x_source.x], x_source);
  let y_source = quad_source(q, 2u, MODE_B);
  let y = quad_values(b[y_source.x], y_source);
  out[q] = select(y, x, c != vec4(0.0));
}
