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
  let q = output_index(wid, nwg, lid, WG);
  if (q >= params.n / 4u) {
    return;
  }
  var x: vec4<f32>;
  var y: vec4<f32>;
  if (MODE_A == SCALAR) {
    x = vec4(a[0].x);
  } else if (MODE_A == DIVMOD) {
    let e = divmod_first(q, 0u);
    x = select(vec4(a[e / 4u][e % 4u]), a[e / 4u], params.divmod[0u].x == 1u);
  } else {
    x = a[q];
  }
  if (MODE_B == SCALAR) {
    y = vec4(b[0].x);
  } else if (MODE_B == DIVMOD) {
    let e = divmod_first(q, 1u);
    y = select(vec4(b[e / 4u][e % 4u]), b[e / 4u], params.divmod[1u].x == 1u);
  } else {
    y = b[q];
  }
  let alpha = params.alpha;
  out[q] = vec4(op(x.x, y.x, alpha), op(x.y, y.y, alpha), op(x.z, y.z, alpha), op(x.w, y.w, alpha));
}
