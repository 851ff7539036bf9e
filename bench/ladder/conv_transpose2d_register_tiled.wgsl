// conv_transpose2d_register_tiled (ladder rung 2, after _naive): a block of x-side outputs per invocation, so each load serves many products. Run: npm run bench:conv -- --rungs register_tiled (results: bench/results/conv-lavapipe.md).
// The mirror of conv2d_register_tiled: each invocation computes an IN_CHANNEL_TILE x PIXEL_TILE block of
// the x side (that many channels at that many neighbouring pixels of one row), so each dy value loaded
// serves IN_CHANNEL_TILE products and each weight PIXEL_TILE. A workgroup shares one channel tile and one
// batch entry (its weight reads are the same address in every invocation). Also conv2d's input gradient.
// Prefixed with conv_common.wgsl and a generated header defining IN_CHANNEL_TILE and PIXEL_TILE.
//   dx[b, ci, iy, ix] = bias[ci] + sum over (co, ky, kx) and the (oy, ox) whose tap lands on (iy, ix) of dy[b, co, oy, ox] w[co, ci, ky, kx]
// Dispatch: (ceil(in_h * ceil(in_w / PIXEL_TILE) / WG), ceil(in_channels / IN_CHANNEL_TILE), batch).
// Bindings: 0 uniform ConvParams, 1 dy (y side), 2 w, 3 bias (in_channels), 4 dx (x side).

@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let blocks_per_row = (params.in_w + PIXEL_TILE - 1u) / PIXEL_TILE;
  let block = wid.x * WG + lid.x;
  let iy = block / blocks_per_row;
  if (iy >= params.in_h) {
    return;
  }
  let ix0 = (block % blocks_per_row) * PIXEL_TILE;
  let ci0 = wid.y * IN_CHANNEL_TILE;
  let b = wid.z;

  var acc: array<array<f32, PIXEL_TILE>, IN_CHANNEL_TILE>;
  for (var c = 0u; c < IN_CHANNEL_TILE; c++) {
    // channels past the end compute on the last real channel's weights and are never stored
    let bias_value = select(0.0, bias[min(ci0 + c, params.in_channels - 1u)], params.has_bias != 0u);
    for (var p = 0u; p < PIXEL_TILE; p++) {
      acc[c][p] = bias_value;
    }
  }

  for (var co = 0u; co < params.out_channels; co++) {
    for (var ky = 0u; ky < params.kernel_h; ky++) {
      let oy = output_row(iy, ky);
      if (oy < 0) {
        continue; // no output row reads input row iy through this tap
      }
      let row = y_index(b, co, u32(oy), 0u);
      for (var kx = 0u; kx < params.kernel_w; kx++) {
        var values: array<f32, PIXEL_TILE>;
        for (var p = 0u; p < PIXEL_TILE; p++) {
          let ox = output_col(ix0 + p, kx);
          values[p] = select(0.0, dy[row + u32(max(ox, 0))], ox >= 0);
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
      if (ci < params.in_channels && ix0 + p < params.in_w) {
        dx[x_index(b, ci, iy, ix0 + p)] = acc[c][p];
      }
    }
  }
}
