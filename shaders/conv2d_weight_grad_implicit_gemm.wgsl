// conv2d's weight gradient as an implicit GEMM: dw (C_out, K) = DY (C_out, N) x X^T (N, K), with N =
// batch * out_h * out_w output pixels, the sum's index, and K = C_in * kH * kW taps; X is the im2col view
// of x (conv2d_implicit_gemm.wgsl), never built. A thread accumulates TM output channels x TN taps; the TM
// rows of DY are shared by the workgroup (a rows prelude: shaders/rows_uniform.wgsl or rows_subgroup.wgsl),
// and neighbouring threads own neighbouring taps, whose reads of x are neighbours too. The pixel loop runs
// b, oy, ox in order, so no index is divided inside it. Each thread sums all N pixels in order (no split
// of the sum).
// Prefixed with a rows prelude, a generated header defining TM and TN, and conv_common.wgsl.
//   dw[co, ci, ky, kx] = sum_{b, oy, ox} dy[b, co, oy, ox] x[b, ci, oy*s - p + ky*d, ox*s - p + kx*d]
// Dispatch: (ceil(K / (WG * TN)), ceil(out_channels / TM), 1).
// Bindings: 0 uniform ConvParams, 1 x, 2 dy, 3 dw.

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dw: array<f32>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, lanes: RowLanes) {
  let taps = params.in_channels * params.kernel_h * params.kernel_w;
  let kernel_taps = params.kernel_h * params.kernel_w;
  let plane = params.in_h * params.in_w;
  let y_plane = params.out_h * params.out_w;
  let n0 = wid.x * WG * TN + lid.x;
  let co0 = wid.y * TM;

  // Per column j (tap (ci, ky, kx)): its channel's plane in an image of x, and its offsets from
  // (oy * stride, ox * stride).
  var channel: array<u32, TN>;
  var ky_off: array<i32, TN>;
  var kx_off: array<i32, TN>;
  for (var j = 0u; j < TN; j++) {
    let t = min(n0 + j * WG, taps - 1u); // taps past K load the last one and are never stored
    let tap = t % kernel_taps;
    channel[j] = (t / kernel_taps) * plane;
    ky_off[j] = input_row(0u, tap / params.kernel_w);
    kx_off[j] = input_col(0u, tap % params.kernel_w);
  }
  // Where the row of DY in this thread's slot s starts in image 0 (rows past C_out load the last one).
  var dy_row: array<u32, ROW_SLOTS>;
  for (var s = 0u; s < ROW_SLOTS; s++) {
    dy_row[s] = min(co0 + row_of_slot(lanes, s), params.out_channels - 1u) * y_plane;
  }

  var acc: array<array<f32, TN>, TM>;
  for (var b = 0u; b < params.batch; b++) {
    let x_image = b * params.in_channels * plane;
    let dy_image = b * params.out_channels * y_plane;
    for (var oy = 0u; oy < params.out_h; oy++) {
      let row_y = i32(oy * params.stride_h);
      for (var ox = 0u; ox < params.out_w; ox++) {
        let col_x = i32(ox * params.stride_w);
        var column: array<f32, TN>;
        for (var j = 0u; j < TN; j++) {
          let iy = row_y + ky_off[j];
          let ix = col_x + kx_off[j];
          let inside = u32(iy) < params.in_h && u32(ix) < params.in_w; // negative wraps past the size
          let index = x_image + channel[j] + u32(iy) * params.in_w + u32(ix);
          column[j] = select(0.0, x[select(0u, index, inside)], inside);
        }
        let pixel = dy_image + oy * params.out_w + ox;
        var gradients: array<f32, ROW_SLOTS>;
        for (var s = 0u; s < ROW_SLOTS; s++) {
          gradients[s] = dy[dy_row[s] + pixel];
        }
        for (var i = 0u; i < TM; i++) {
          let gradient = row_value(&gradients, lanes, i);
          for (var j = 0u; j < TN; j++) {
            acc[i][j] = fma(gradient, column[j], acc[i][j]);
          }
        }
      }
    }
  }

  for (var j = 0u; j < TN; j++) {
    let t = n0 + j * WG;
    if (t >= taps) {
      continue;
    }
    for (var i = 0u; i < TM; i++) {
      if (co0 + i < params.out_channels) {
        dw[(co0 + i) * taps + t] = acc[i][j];
      }
    }
  }
}
