// where: out (contiguous, `shape`) = cond != 0 ? a : b, all three read through broadcast strides.
// `const RANK_VEC4S` is prepended at run time (see binary.wgsl).
// Bindings: 0 uniform Params, 1 cond, 2 a, 3 b, 4 out.

struct Params {
  n: u32,
  rank: u32,
  shape: array<vec4<u32>, RANK_VEC4S>,
  cond_strides: array<vec4<u32>, RANK_VEC4S>,
  a_strides: array<vec4<u32>, RANK_VEC4S>,
  b_strides: array<vec4<u32>, RANK_VEC4S>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> cond: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = (wid.x + wid.y * nwg.x) * WG + lid.x;
  if (i >= params.n) {
    return;
  }
  var rest = i;
  var oc = 0u;
  var oa = 0u;
  var ob = 0u;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let size = params.shape[d / 4][d % 4];
    let coord = rest % size;
    rest = rest / size;
    oc += coord * params.cond_strides[d / 4][d % 4];
    oa += coord * params.a_strides[d / 4][d % 4];
    ob += coord * params.b_strides[d / 4][d % 4];
  }
  out[i] = select(b[ob], a[oa], cond[oc] != 0.0);
}
