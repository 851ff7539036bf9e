// copy: for every coordinate c of `shape` (flat index i < n, row-major),
//   out[out_offset + sum_d c_d out_strides_d] = x[in_offset + sum_d c_d in_strides_d].
// Behind permute, slice (and its gradient), broadcastTo and concat. Prepended: `const RANK_VEC4S`,
// index_common.wgsl and strided_common.wgsl (strided_offset, the walk).
// The walk over the coordinates is skipped where it is not needed: OUT_CONTIGUOUS (out's strides are
// shape's own) writes out[out_offset + i], and IN_MODE reads x as a broadcast operand is read
// (broadcast_common.wgsl's modes: 0 at in_offset + i, 1 at in_offset, 2 at in_offset + (i / in_div) % in_mod,
// 3 by the walk), so broadcastTo of a scalar or a bias is one load and one store per element.
// Bindings: 0 uniform Params, 1 x, 2 out.

struct Params {
  n: u32,
  rank: u32,
  in_offset: u32,
  out_offset: u32,
  in_div: u32,
  in_mod: u32,
  shape: array<vec4<u32>, RANK_VEC4S>,
  in_strides: array<vec4<u32>, RANK_VEC4S>,
  out_strides: array<vec4<u32>, RANK_VEC4S>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

override WG: u32;
override OUT_CONTIGUOUS: bool;
override IN_MODE: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(wid, nwg, lid, WG);
  if (i >= params.n) {
    return;
  }
  var src = params.in_offset;
  if (IN_MODE == 0u) {
    src += i;
  } else if (IN_MODE == 2u) {
    src += (i / params.in_div) % params.in_mod;
  } else if (IN_MODE == 3u) {
    src += strided_offset(i, params.rank, params.shape, params.in_strides);
  }
  var dst = params.out_offset + i;
  if (!OUT_CONTIGUOUS) {
    dst = params.out_offset + strided_offset(i, params.rank, params.shape, params.out_strides);
  }
  out[dst] = x[src];
}
