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
  let q = output_index(wid, nwg, lid, WG);
  if (q >= params.n / 4u) {
    return;
  }
  var c: vec4<f32>;
  var x: vec4<f32>;
  var y: vec4<f32>;
  if (MODE_COND == SCALAR) {
    c = vec4(cond[0].x);
  } else if (MODE_COND == DIVMOD) {
    let e = divmod_first(q, 0u);
    c = select(vec4(cond[e / 4u][e % 4u]), cond[e / 4u], params.divmod[0u].x == 1u);
  } else {
    c = cond[q];
  }
  if (MODE_A == SCALAR) {
    x = vec4(a[0].x);
  } else if (MODE_A == DIVMOD) {
    let e = divmod_first(q, 1u);
    x = select(vec4(a[e / 4u][e % 4u]), a[e / 4u], params.divmod[1u].x == 1u);
  } else {
    x = a[q];
  }
  if (MODE_B == SCALAR) {
    y = vec4(b[0].x);
  } else if (MODE_B == DIVMOD) {
    let e = divmod_first(q, 2u);
    y = select(vec4(b[e / 4u][e % 4u]), b[e / 4u], params.divmod[2u].x == 1u);
  } else {
    y = b[q];
  }
  out[q] = select(y, x, c != vec4(0.0));
}
