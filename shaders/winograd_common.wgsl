// Prepended to the Winograd convolution kernels (engine/backend/webgpu/winograd.ts), after a transform
// (shaders/winograd_f4.wgsl) defining M (the output tile's side), ALPHA = M + 2 (the input tile's side) and
// the matrices as functions (bt_times, g_times, at_times: B^T, G and A^T applied to a vector; a_times, gt_times:
// A and G^T, for the weight gradient). The convolution they compute, 3x3 with stride and dilation 1, all NCHW:
//   dst[b, o, y, x] = bias[o] + sum_{i, ky, kx} src[b, i, y + ky - pad_h, x + kx - pad_w] k[o, i, ky, kx]
// with k = w (out_channels, in_channels, 3, 3), or when `flipped` w stored (in_channels, out_channels, 3, 3)
// with its taps rotated by 180 degrees (a convolution's input gradient). Tile t of a chunk covers the M x M
// output pixels from (ty M, tx M) of image first_image + t / (tiles_h tiles_w); the transformed tiles live
// as ALPHA^2 matrices, position xi = row * ALPHA + column first:
//   v (ALPHA^2, in_channels, tiles)   u (ALPHA^2, out_channels, in_channels)   m (ALPHA^2, out_channels, tiles)

struct WinogradParams {
  in_channels: u32,
  out_channels: u32,
  src_h: u32,
  src_w: u32,
  dst_h: u32,
  dst_w: u32,
  pad_h: i32, // may be negative: an input gradient of a convolution padded by more than 2
  pad_w: i32,
  tiles_h: u32,
  tiles_w: u32,
  first_image: u32,
  tiles: u32, // in this chunk
  has_bias: u32, // 0 or 1; the bias binding holds a placeholder when 0
  flipped: u32,
}

@group(0) @binding(0) var<uniform> params: WinogradParams;

/** The image of tile t of the chunk and the (row, column) where its output tile starts. */
fn tile_origin(t: u32) -> vec3<u32> {
  let per_image = params.tiles_h * params.tiles_w;
  let r = t % per_image;
  return vec3<u32>(params.first_image + t / per_image, (r / params.tiles_w) * M, (r % params.tiles_w) * M);
}
