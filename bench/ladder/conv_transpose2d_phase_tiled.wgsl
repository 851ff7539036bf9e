// conv_transpose2d_phase_tiled (ladder rung 3, after _register_tiled): visits only the taps that land, one stride phase at a time. Run: npm run bench:conv -- --rungs phase_tiled (results: bench/results/conv-lavapipe.md).
// conv_transpose2d_register_tiled tests every (ky, kx) tap at every pixel, but with stride s only the taps
// with (iy + pad - ky*dilation) = 0 mod s land on a dy element (1 in s^2 of them for a 2-D stride s,
// dilation 1); this rung enumerates those taps directly. The x side is split by stride phase
// (iy mod stride_h, ix mod stride_w): every pixel of one phase has the same landing taps, so a workgroup
// covers one phase of one batch entry, and an invocation's PIXEL_TILE pixels are neighbours within
// its phase (ix, ix + stride_w, ...), whose dy reads are then neighbours too (ox, ox + 1, ...).
// Register-tiled like rung 2: IN_CHANNEL_TILE channels x PIXEL_TILE pixels (sizes per shape:
// bench/ladder/conv.ts). Also conv2d's input gradient.
// Prefixed with conv_common.wgsl and a generated header defining IN_CHANNEL_TILE and PIXEL_TILE.
//   dx[b, ci, iy, ix] = bias[ci] + sum over (co, ky, kx) and the (oy, ox) whose tap lands on (iy, ix) of dy[b, co, oy, ox] w[co, ci, ky, kx]
//   landing taps of rows of phase ry: ky*dilation_h = ry + pad_h (mod stride_h), i.e. ky = first, first + step, ...
//   with step = stride_h / gcd(stride_h, dilation_h); then oy = (iy + pad_h - ky*dilation_h) / stride_h exactly.
// Dispatch: (ceil(ceil(in_h / stride_h) * blocks_per_row / WG), ceil(in_channels / IN_CHANNEL_TILE),
//            batch * stride_h * stride_w), blocks_per_row = ceil(ceil(in_w / stride_w) / PIXEL_TILE).
// Bindings: 0 uniform ConvParams, 1 dy (y side), 2 w, 3 bias (in_channels), 4 dx (x side).

@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let phases = params.stride_h * params.stride_w;
  let b = wid.z / phases;
  let ry = (wid.z % phases) / params.stride_w;
  let rx = wid.z % params.stride_w;
  // this phase's pixels: rows ry + j*stride_h, columns rx + q*stride_w
  let columns = (params.in_w + params.stride_w - 1u) / params.stride_w;
  let blocks_per_row = (columns + PIXEL_TILE - 1u) / PIXEL_TILE;
  let block = wid.x * WG + lid.x;
  let iy = ry + (block / blocks_per_row) * params.stride_h;
  if (iy >= params.in_h) {
    return;
  }
  let q0 = (block % blocks_per_row) * PIXEL_TILE;
  let ci0 = wid.y * IN_CHANNEL_TILE;

  var acc: array<array<f32, PIXEL_TILE>, IN_CHANNEL_TILE>;
  for (var c = 0u; c < IN_CHANNEL_TILE; c++) {
    // channels past the end compute on the last real channel's weights and are never stored
    let bias_value = select(0.0, bias[min(ci0 + c, params.in_channels - 1u)], params.has_bias != 0u);
    for (var p = 0u; p < PIXEL_TILE; p++) {
      acc[c][p] = bias_value;
    }
  }

  let ky0 = first_landing_tap(ry, params.pad_h, params.kernel_h, params.stride_h, params.dilation_h);
  let kx0 = first_landing_tap(rx, params.pad_w, params.kernel_w, params.stride_w, params.dilation_w);
  let ky_step = params.stride_h / gcd(params.stride_h, params.dilation_h);
  let kx_step = params.stride_w / gcd(params.stride_w, params.dilation_w);
  for (var co = 0u; co < params.out_channels; co++) {
    for (var ky = ky0; ky < params.kernel_h; ky += ky_step) {
      // exact: ky lands on this phase; oy falls as ky grows, so past 0 no later tap lands either
      let oy = (i32(iy + params.pad_h) - i32(ky * params.dilation_h)) / i32(params.stride_h);
      if (oy < 0) {
        break;
      }
      if (oy >= i32(params.out_h)) {
        continue;
      }
      let row = y_index(b, co, u32(oy), 0u);
      for (var kx = kx0; kx < params.kernel_w; kx += kx_step) {
        // the column read by pixel q0 + p of the block is ox0 + p
        let ox0 = (i32(rx + params.pad_w) - i32(kx * params.dilation_w)) / i32(params.stride_w) + i32(q0);
        var values: array<f32, PIXEL_TILE>;
        for (var p = 0u; p < PIXEL_TILE; p++) {
          let ox = ox0 + i32(p);
          let inside = ox >= 0 && ox < i32(params.out_w);
          values[p] = select(0.0, dy[row + u32(select(0, ox, inside))], inside);
        }
        for (var c = 0u; c < IN_CHANNEL_TILE; c++) {
          let weight = w[w_index(co, min(ci0 + c, params.in_channels - 1u), ky, kx)];
          for (var p = 0u; p < PIXEL_TILE; p++) {
            acc[c][p] += weight * values[p];
          }
        }
      }
    }
  }

  for (var c = 0u; c < IN_CHANNEL_TILE; c++) {
    let ci = ci0 + c;
    for (var p = 0u; p < PIXEL_TILE; p++) {
      let ix = rx + (q0 + p) * params.stride_w;
      if (ci < params.in_channels && ix < params.in_w) {
        dx[x_index(b, ci, iy, ix)] = acc[c][p];
      }
    }
  }
}
