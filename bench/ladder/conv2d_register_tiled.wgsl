// conv2d_register_tiled (ladder rung 2, after conv2d_naive): a block of outputs per invocation, so each load serves many products. Run: npm run bench:conv -- --rungs register_tiled (results: bench/results/conv-lavapipe.md).
// Each invocation computes an OUT_CHANNEL_TILE x PIXEL_TILE block of outputs (that many channels, at that
// many neighbouring pixels of one output row), so every input value loaded serves OUT_CHANNEL_TILE
// products and every weight PIXEL_TILE, and the bounds and index arithmetic of a tap is paid once per
// block instead of once per output. A workgroup shares one channel tile and one batch entry (so its weight
// reads are the same address in every invocation); its invocations cover consecutive pixel blocks.
// Prefixed with conv_common.wgsl and a generated header defining OUT_CHANNEL_TILE and PIXEL_TILE.
//   y[b, co, oy, ox] = bias[co] + sum_{ci, ky, kx} x[b, ci, iy, ix] w[co, ci, ky, kx]
// Dispatch: (ceil(out_h * ceil(out_w / PIXEL_TILE) / WG), ceil(out_channels / OUT_CHANNEL_TILE), batch).
// Bindings: 0 uniform ConvParams, 1 x, 2 w, 3 bias (out_channels), 4 y.

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let blocks_per_row = (params.out_w + PIXEL_TILE - 1u) / PIXEL_TILE;
  let block = wid.x * WG + lid.x;
  let oy = block / blocks_per_row;
  if (oy >= params.out_h) {
    return;
  }
  let ox0 = (block % blocks_per_row) * PIXEL_TILE;
  let co0 = wid.y * OUT_CHANNEL_TILE;
  let b = wid.z;

  var acc: array<array<f32, PIXEL_TILE>, OUT_CHANNEL_TILE>;
  for (var c = 0u; c < OUT_CHANNEL_TILE; c++) {
    // channels past the end compute on the last real channel's weights and are never stored
    let bias_value = select(0.0, bias[min(co0 + c, params.out_channels - 1u)], params.has_bias != 0u);
    for (var p = 0u; p < PIXEL_TILE; p++) {
      acc[c][p] = bias_value;
    }
  }

  for (var ci = 0u; ci < params.in_channels; ci++) {
    for (var ky = 0u; ky < params.kernel_h; ky++) {
      let iy = input_row(oy, ky);
      if (iy < 0 || iy >= i32(params.in_h)) {
        continue; // the whole kernel row lies in the zero padding
      }
      let row = x_index(b, ci, u32(iy), 0u);
      for (var kx = 0u; kx < params.kernel_w; kx++) {
        var inputs: array<f32, PIXEL_TILE>;
        for (var p = 0u; p < PIXEL_TILE; p++) {
          let ix = input_col(ox0 + p, kx);
          let inside = ix >= 0 && ix < i32(params.in_w);
          inputs[p] = select(0.0, x[row + u32(select(0, ix, inside))], inside);
        }
        for (var c = 0u; c < OUT_CHANNEL_TILE; c++) {
          let weight = w[w_index(min(co0 + c, params.out_channels - 1u), ci, ky, kx)];
          for (var p = 0u; p < PIXEL_TILE; p++) {
            acc[c][p] += weight * inputs[p];
          }
        }
      }
    }
  }

  for (var c = 0u; c < OUT_CHANNEL_TILE; c++) {
    let co = co0 + c;
    for (var p = 0u; p < PIXEL_TILE; p++) {
      if (co < params.out_channels && ox0 + p < params.out_w) {
        y[y_index(b, co, oy, ox0 + p)] = acc[c][p];
      }
    }
  }
}
