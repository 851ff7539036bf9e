// Prepended (after the generated `const RANK_VEC4S`) to the kernels that read or write a tensor through
// strides (copy.wgsl, broadcast_common.wgsl): the coordinate walk. A shape or strides of up to
// 4 * RANK_VEC4S axes is a uniform array of vec4s, axis d at [d / 4][d % 4].

/**
 * Where element i of a row-major `shape` of `rank` axes lives in a layout with `strides`: i's coordinates,
 * found from the last axis, each times its stride.
 */
fn strided_offset(i: u32, rank: u32, shape: array<vec4<u32>, RANK_VEC4S>, strides: array<vec4<u32>, RANK_VEC4S>) -> u32 {
  var rest = i;
  var offset = 0u;
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let size = shape[d / 4][d % 4];
    offset += (rest % size) * strides[d / 4][d % 4];
    rest = rest / size;
  }
  return offset;
}
