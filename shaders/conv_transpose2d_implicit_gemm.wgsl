// convTranspose2d (also conv2d's input gradient) as an implicit GEMM per stride phase, the gather of
// bench/ladder/conv_transpose2d_phase_tiled.wgsl blocked as conv2d_implicit_gemm is:
// dx = W^T (C_in, K) x D (K, N), with N the x-side pixels of one stride phase (iy mod stride_h,
// ix mod stride_w) over the batch and K the (co, ky, kx) taps that land on that phase; D is the view of dy
// whose column n at tap (co, ky, kx) is dy[b, co, oy, ox] with oy = (iy + pad_h - ky*dilation_h) / stride_h
// exactly (and ox likewise), zero outside dy. Every pixel of a phase has the same landing taps
// (conv_transpose2d_phase_tiled.wgsl explains them), so the tap loop is uniform.
// A thread accumulates TM input channels x TN pixels; the TM rows of W^T are shared by the workgroup (a
// rows prelude: shaders/rows_uniform.wgsl or rows_subgroup.wgsl), and neighbouring threads own
// neighbouring pixels of the phase.
// Prefixed with a rows prelude, a generated header defining TM and TN, and conv_common.wgsl.
//   dx[b, ci, iy, ix] = bias[ci] + sum over the landing (co, ky, kx) of dy[b, co, oy, ox] w[co, ci, ky, kx]
// Dispatch: (ceil(batch * ceil(in_h / stride_h) * ceil(in_w / stride_w) / (WG * TN)), ceil(in_channels / TM),
//            stride_h * stride_w); a phase with fewer pixels leaves the last workgroups idle.
// Bindings: 0 uniform ConvParams, 1 dy (y side), 2 w, 3 bias (in_channels), 4 dx (x side).

@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, lanes: RowLanes) {
  let ry = wid.z / params.stride_w;
  let rx = wid.z % params.stride_w;
  if (ry >= params.in_h || rx >= params.in_w) {
    return; // a stride larger than the image: this phase has no pixels
  }
  let phase_rows = (params.in_h - ry + params.stride_h - 1u) / params.stride_h;
  let phase_cols = (params.in_w - rx + params.stride_w - 1u) / params.stride_w;
  let phase_pixels = phase_rows * phase_cols;
  let columns = params.batch * phase_pixels;
  let n0 = wid.x * WG * TN + lid.x;
  if (wid.x * WG * TN >= columns) {
    return;
  }
  let ci0 = wid.y * TM;
  let y_plane = params.out_h * params.out_w;
  let taps = params.kernel_h * params.kernel_w;

  // The landing taps of this phase: ky0, ky0 + ky_step, ...; each step moves oy back by oy_step.
  let ky0 = first_landing_tap(ry, params.pad_h, params.kernel_h, params.stride_h, params.dilation_h);
  let kx0 = first_landing_tap(rx, params.pad_w, params.kernel_w, params.stride_w, params.dilation_w);
  let ky_step = params.stride_h / gcd(params.stride_h, params.dilation_h);
  let kx_step = params.stride_w / gcd(params.stride_w, params.dilation_w);
  let oy_step = i32(ky_step * params.dilation_h / params.stride_h);
  let ox_step = i32(kx_step * params.dilation_w / params.stride_w);

  // Per column j: where its image starts in dy, and the dy pixel its first landing tap reads.
  var image: array<u32, TN>;
  var oy0: array<i32, TN>;
  var ox0: array<i32, TN>;
  for (var j = 0u; j < TN; j++) {
    let n = min(n0 + j * WG, columns - 1u); // columns past N load the last one
    let p = n % phase_pixels;
    let iy = ry + (p / phase_cols) * params.stride_h;
    let ix = rx + (p % phase_cols) * params.stride_w;
    image[j] = (n / phase_pixels) * params.out_channels * y_plane;
    oy0[j] = (i32(iy + params.pad_h) - i32(ky0 * params.dilation_h)) / i32(params.stride_h); // exact
    ox0[j] = (i32(ix + params.pad_w) - i32(kx0 * params.dilation_w)) / i32(params.stride_w);
  }
  // Where the weights of tap (0, 0, 0) of the input channel in this thread's slot s are (rows past C_in
  // load the last one).
  var w_row: array<u32, ROW_SLOTS>;
  for (var s = 0u; s < ROW_SLOTS; s++) {
    w_row[s] = min(ci0 + row_of_slot(lanes, s), params.in_channels - 1u) * taps;
  }
  var acc: array<array<f32, TN>, TM>;
  for (var i = 0u; i < TM; i++) {
    let ci = min(ci0 + i, params.in_channels - 1u);
    let bias_value = select(0.0, bias[ci], params.has_bias != 0u);
    for (var j = 0u; j < TN; j++) {
      acc[i][j] = bias_value;
    }
  }

  for (var co = 0u; co < params.out_channels; co++) {
    let w_channel = co * params.in_channels * taps;
    var back_y = 0;
    for (var ky = ky0; ky < params.kernel_h; ky += ky_step) {
      var back_x = 0;
      for (var kx = kx0; kx < params.kernel_w; kx += kx_step) {
        var column: array<f32, TN>;
        for (var j = 0u; j < TN; j++) {
          let oy = oy0[j] - back_y;
          let ox = ox0[j] - back_x;
          let inside = u32(oy) < params.out_h && u32(ox) < params.out_w; // negative wraps past the size
          let index = image[j] + co * y_plane + u32(oy) * params.out_w + u32(ox);
          column[j] = select(0.0, dy[select(0u, index, inside)], inside);
        }
        let tap = w_channel + ky * params.kernel_w + kx;
        var weights: array<f32, ROW_SLOTS>;
        for (var s = 0u; s < ROW_SLOTS; s++) {
          weights[s] = w[w_row[s] + tap];
        }
        for (var i = 0u; i < TM; i++) {
          let weight = row_value(&weights, lanes, i);
          for (var j = 0u; j < TN; j++) {
            acc[i][j] = fma(weight, column[j], acc[i][j]);
          }
        }
        back_x += ox_step;
      }
      back_y += oy_step;
    }
  }

  let x_plane = params.in_h * params.in_w;
  for (var j = 0u; j < TN; j++) {
    let n = n0 + j * WG;
    if (n >= columns) {
      continue;
    }
    let p = n % phase_pixels;
    let iy = ry + (p / phase_cols) * params.stride_h;
    let ix = rx + (p % phase_cols) * params.stride_w;
    let out_base = (n / phase_pixels) * params.in_channels * x_plane + iy * params.in_w + ix;
    for (var i = 0u; i < TM; i++) {
      if (ci0 + i < params.in_channels) {
        dx[out_base + (ci0 + i) * x_plane] = acc[i][j];
      }
    }
  }
}
