// Prepended to every conv kernel's source: the uniform record of one convolution's geometry, written in
// conv2d's terms (engine/ops/conv.ts ConvGeometry), and index helpers. Layouts, all NCHW, row-major:
//   x  (batch, in_channels, in_h, in_w)          the conv2d input side
//   w  (out_channels, in_channels, kernel_h, kernel_w)
//   y  (batch, out_channels, out_h, out_w)        the conv2d output side
// Tap (ky, kx) of output pixel (oy, ox) reads input pixel
//   (oy*stride_h - pad_h + ky*dilation_h, ox*stride_w - pad_w + kx*dilation_w), zero outside the input.
// Binding 0 is this record; each kernel declares its own inputs and outputs after it.

struct ConvParams {
  batch: u32,
  in_channels: u32,
  in_h: u32,
  in_w: u32,
  out_channels: u32,
  out_h: u32,
  out_w: u32,
  kernel_h: u32,
  kernel_w: u32,
  stride_h: u32,
  stride_w: u32,
  pad_h: u32,
  pad_w: u32,
  dilation_h: u32,
  dilation_w: u32,
  has_bias: u32, // 0 or 1; the bias binding holds a placeholder when 0
}

@group(0) @binding(0) var<uniform> params: ConvParams;

/** Input row read by tap ky of output row oy (negative or >= in_h in the padding). */
fn input_row(oy: u32, ky: u32) -> i32 {
  return i32(oy * params.stride_h + ky * params.dilation_h) - i32(params.pad_h);
}

fn input_col(ox: u32, kx: u32) -> i32 {
  return i32(ox * params.stride_w + kx * params.dilation_w) - i32(params.pad_w);
}

/** The output coordinate whose tap k lands on input coordinate i (the inverse of input_row), or -1 when none does. */
fn source_coordinate(i: u32, k: u32, stride: u32, pad: u32, dilation: u32, out_size: u32) -> i32 {
  let shifted = i32(i + pad) - i32(k * dilation); // = o * stride
  if (shifted < 0 || shifted % i32(stride) != 0) {
    return -1;
  }
  let o = shifted / i32(stride);
  return select(-1, o, o < i32(out_size));
}

/** The output row whose tap ky reads input row iy, or -1. */
fn output_row(iy: u32, ky: u32) -> i32 {
  return source_coordinate(iy, ky, params.stride_h, params.pad_h, params.dilation_h, params.out_h);
}

fn output_col(ix: u32, kx: u32) -> i32 {
  return source_coordinate(ix, kx, params.stride_w, params.pad_w, params.dilation_w, params.out_w);
}

fn inside_input(iy: i32, ix: i32) -> bool {
  return iy >= 0 && iy < i32(params.in_h) && ix >= 0 && ix < i32(params.in_w);
}

fn x_index(b: u32, ci: u32, iy: u32, ix: u32) -> u32 {
  return ((b * params.in_channels + ci) * params.in_h + iy) * params.in_w + ix;
}

fn y_index(b: u32, co: u32, oy: u32, ox: u32) -> u32 {
  return ((b * params.out_channels + co) * params.out_h + oy) * params.out_w + ox;
}

fn w_index(co: u32, ci: u32, ky: u32, kx: u32) -> u32 {
  return ((co * params.in_channels + ci) * params.kernel_h + ky) * params.kernel_w + kx;
}

// ---- stride phases of a transposed convolution (conv_transpose2d_implicit_gemm, and the ladder's
// bench/ladder/conv_transpose2d_phase_tiled.wgsl) ----

fn gcd(a: u32, b: u32) -> u32 {
  var m = a;
  var n = b;
  while (n != 0u) {
    let r = m % n;
    m = n;
    n = r;
  }
  return m;
}

/**
 * The smallest tap k with k*dilation = phase + pad (mod stride), or `kernel` when no tap lands on that
 * phase. The landing taps are k, k + step, k + 2 step, ... (step = stride / gcd(stride, dilation)), so
 * the smallest one is below step <= stride.
 */
fn first_landing_tap(phase: u32, pad: u32, kernel: u32, stride: u32, dilation: u32) -> u32 {
  let wanted = (phase + pad) % stride; // `target` is a reserved word
  for (var k = 0u; k < min(kernel, stride); k++) {
    if ((k * dilation) % stride == wanted) {
      return k;
    }
  }
  return kernel;
}
