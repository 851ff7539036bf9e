// binary: out (contiguous, `shape`) = op(a, b), with a and b read through broadcast strides
// (stride 0 on broadcast axes). When an operand has out's own shape, STRIDED_A/STRIDED_B is false and
// it is read at the flat index without the coordinate walk.
// `op` is generated at run time from the table in engine/backend/webgpu/elementwise.ts and prepended,
// with `const RANK_VEC4S` (the uniform arrays hold 4 axes per vec4).
// Bindings: 0 uniform Params, 1 a, 2 b, 3 out.

struct Params {
  n: u32,
  rank: u32,
  shape: array<vec4<u32>, RANK_VEC4S>,
  a_strides: array<vec4<u32>, RANK_VEC4S>,
  b_strides: array<vec4<u32>, RANK_VEC4S>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override WG: u32;
override STRIDED_A: bool;
override STRIDED_B: bool;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = (wid.x + wid.y * nwg.x) * WG + lid.x;
  if (i >= params.n) {
    return;
  }
  var ia = i;
  var ib = i;
  if (STRIDED_A || STRIDED_B) {
    // walk the coordinates of i from the last axis, summing coordinate * stride
    var rest = i;
    var oa = 0u;
    var ob = 0u;
    for (var d = i32(params.rank) - 1; d >= 0; d--) {
      let size = params.shape[d / 4][d % 4];
      let coord = rest % size;
      rest = rest / size;
      oa += coord * params.a_strides[d / 4][d % 4];
      ob += coord * params.b_strides[d / 4][d % 4];
    }
    if (STRIDED_A) { ia = oa; }
    if (STRIDED_B) { ib = ob; }
  }
  out[i] = op(a[ia], b[ib]);
}
