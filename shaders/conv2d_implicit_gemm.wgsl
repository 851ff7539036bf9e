// conv2d as an implicit GEMM: y = W (C_out, K) x X (K, N), with K = C_in * kH * kW the taps and
// N = batch * out_h * out_w the output pixels, where X is the im2col view of x, never built: column n
// (pixel (b, oy, ox)) at row k (tap (ci, ky, kx)) is x[b, ci, oy*s - p + ky*d, ox*s - p + kx*d], zero in
// the padding. Blocked as matmul_blocked_vec4 is: a thread accumulates TM output channels x TN pixels in
// registers, the TM rows of W are shared by the workgroup (a rows prelude: shaders/rows_uniform.wgsl or
// rows_subgroup.wgsl), and neighbouring threads own neighbouring pixels (n_base + x + j * WG), so their
// gathers from x are neighbours too. The tap loop runs ci, ky, kx in order, so no index is divided inside it.
// Prefixed with a rows prelude, a generated header defining TM and TN, and conv_common.wgsl.
//   y[b, co, oy, ox] = bias[co] + sum_{ci, ky, kx} w[co, ci, ky, kx] x[b, ci, iy, ix]
// Dispatch: (ceil(N / (WG * TN)), ceil(out_channels / TM), 1).
// Bindings: 0 uniform ConvParams, 1 x, 2 w, 3 bias (out_channels), 4 y.

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, lanes: RowLanes) {
  let pixels = params.out_h * params.out_w;
  let columns = params.batch * pixels;
  let plane = params.in_h * params.in_w;
  let co0 = wid.y * TM;
  let taps = params.in_channels * params.kernel_h * params.kernel_w;

  // Per column j: where its image starts in x, and the input pixel its tap (0, 0) reads.
  var image: array<u32, TN>;
  var iy0: array<i32, TN>;
  var ix0: array<i32, TN>;
  for (var j = 0u; j < TN; j++) {
    let n = min(wid.x * WG * TN + lid.x + j * WG, columns - 1u); // columns past N load the last one
    let p = n % pixels;
    image[j] = (n / pixels) * params.in_channels * plane;
    iy0[j] = input_row(p / params.out_w, 0u);
    ix0[j] = input_col(p % params.out_w, 0u);
  }
  // Where the row of W in this thread's slot s starts (rows past C_out load the last one, never stored).
  var w_row: array<u32, ROW_SLOTS>;
  for (var s = 0u; s < ROW_SLOTS; s++) {
    w_row[s] = min(co0 + row_of_slot(lanes, s), params.out_channels - 1u) * taps;
  }
  var acc: array<array<f32, TN>, TM>;
  for (var i = 0u; i < TM; i++) {
    let co = min(co0 + i, params.out_channels - 1u);
    let bias_value = select(0.0, bias[co], params.has_bias != 0u);
    for (var j = 0u; j < TN; j++) {
      acc[i][j] = bias_value;
    }
  }

  var k = 0u;
  for (var ci = 0u; ci < params.in_channels; ci++) {
    for (var ky = 0u; ky < params.kernel_h; ky++) {
      let dy = i32(ky * params.dilation_h);
      for (var kx = 0u; kx < params.kernel_w; kx++) {
        let dx = i32(kx * params.dilation_w);
        var column: array<f32, TN>;
        for (var j = 0u; j < TN; j++) {
          let iy = iy0[j] + dy;
          let ix = ix0[j] + dx;
          let inside = u32(iy) < params.in_h && u32(ix) < params.in_w; // negative wraps past the size
          let index = image[j] + ci * plane + u32(iy) * params.in_w + u32(ix);
          column[j] = select(0.0, x[select(0u, index, inside)], inside);
        }
        var weights: array<f32, ROW_SLOTS>;
        for (var s = 0u; s < ROW_SLOTS; s++) {
          weights[s] = w[w_row[s] + k];
        }
        for (var i = 0u; i < TM; i++) {
          let weight = row_value(&weights, lanes, i);
          for (var j = 0u; j < TN; j++) {
            acc[i][j] = fma(weight, column[j], acc[i][j]);
          }
        }
        k++;
      }
    }
  }

  for (var j = 0u; j < TN; j++) {
    let n = wid.x * WG * TN + lid.x + j * WG;
    if (n >= columns) {
      continue;
    }
    let out_base = (n / pixels) * params.out_channels * pixels + n % pixels;
    for (var i = 0u; i < TM; i++) {
      if (co0 + i < params.out_channels) {
        y[out_base + (co0 + i) * pixels] = acc[i][j];
      }
    }
  }
}
