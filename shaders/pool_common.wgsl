// Prepended to every pooling kernel's source: the uniform record of one pooling's geometry
// (engine/ops/pool.ts PoolGeometry) and window helpers. Maps are (planes = B*C, h, w), row-major.
// Window (oy, ox) covers input rows oy*stride_h - pad_h + [0, kernel_h) and likewise for columns;
// pixels outside the input are padding. index_common.wgsl (flat_index) comes before it.

struct PoolParams {
  planes: u32,
  in_h: u32,
  in_w: u32,
  out_h: u32,
  out_w: u32,
  kernel_h: u32,
  kernel_w: u32,
  stride_h: u32,
  stride_w: u32,
  pad_h: u32,
  pad_w: u32,
}

@group(0) @binding(0) var<uniform> params: PoolParams;

override WG: u32;

fn window_row(oy: u32, ky: u32) -> i32 {
  return i32(oy * params.stride_h + ky) - i32(params.pad_h);
}

fn window_col(ox: u32, kx: u32) -> i32 {
  return i32(ox * params.stride_w + kx) - i32(params.pad_w);
}

fn inside_input(iy: i32, ix: i32) -> bool {
  return iy >= 0 && iy < i32(params.in_h) && ix >= 0 && ix < i32(params.in_w);
}

/** The windows along one axis that contain input coordinate i: [first, last], empty when first > last. */
fn windows_containing(i: u32, kernel: u32, stride: u32, pad: u32, out_size: u32) -> vec2<i32> {
  // o*stride - pad <= i <= o*stride - pad + kernel - 1
  let low = i32(i + pad) - i32(kernel) + 1;
  let first = max(0, (low + i32(stride) - 1) / i32(stride)); // ceil for low > 0; clamped to 0 otherwise
  let last = min(i32(out_size) - 1, i32(i + pad) / i32(stride));
  return vec2<i32>(first, last);
}
