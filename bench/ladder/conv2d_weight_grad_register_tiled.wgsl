// conv2d_weight_grad_register_tiled (ladder rung 2, after _naive): a block of channel pairs per invocation, so each load serves many products. Run: npm run bench:conv -- --rungs register_tiled (results: bench/results/conv-lavapipe.md).
// Each invocation computes the gradients of one tap (ky, kx) for an OUT_CHANNEL_TILE x IN_CHANNEL_TILE
// block of channel pairs, so per (b, oy, ox) it loads OUT_CHANNEL_TILE dy values and IN_CHANNEL_TILE x
// values for their product of multiply-adds, and checks the tap's bounds once for the block. Prefixed with
// index_common.wgsl, conv_common.wgsl and a generated header defining OUT_CHANNEL_TILE and IN_CHANNEL_TILE.
//   dw[co, ci, ky, kx] = sum_{b, oy, ox} dy[b, co, oy, ox] x[b, ci, iy, ix]
// Dispatch: 1-D over ceil(out_channels / OUT_CHANNEL_TILE) * ceil(in_channels / IN_CHANNEL_TILE) * kernel_h * kernel_w invocations.
// Bindings: 0 uniform ConvParams, 1 x, 2 dy, 3 dw.

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dw: array<f32>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let out_tiles = (params.out_channels + OUT_CHANNEL_TILE - 1u) / OUT_CHANNEL_TILE;
  let in_tiles = (params.in_channels + IN_CHANNEL_TILE - 1u) / IN_CHANNEL_TILE;
  let taps = params.kernel_h * params.kernel_w;
  let i = flat_index(wid, nwg, lid, WG);
  if (i >= out_tiles * in_tiles * taps) {
    return;
  }
  let kx = i % params.kernel_w;
  let ky = (i / params.kernel_w) % params.kernel_h;
  let ci0 = ((i / taps) % in_tiles) * IN_CHANNEL_TILE;
  let co0 = (i / (taps * in_tiles)) * OUT_CHANNEL_TILE;

  var acc: array<array<f32, IN_CHANNEL_TILE>, OUT_CHANNEL_TILE>;
  for (var b = 0u; b < params.batch; b++) {
    for (var oy = 0u; oy < params.out_h; oy++) {
      let iy = input_row(oy, ky);
      if (iy < 0 || iy >= i32(params.in_h)) {
        continue;
      }
      for (var ox = 0u; ox < params.out_w; ox++) {
        let ix = input_col(ox, kx);
        if (ix < 0 || ix >= i32(params.in_w)) {
          continue;
        }
        // channels past the end read the last real channel and are never stored
        var inputs: array<f32, IN_CHANNEL_TILE>;
        for (var c = 0u; c < IN_CHANNEL_TILE; c++) {
          inputs[c] = x[x_index(b, min(ci0 + c, params.in_channels - 1u), u32(iy), u32(ix))];
        }
        for (var c = 0u; c < OUT_CHANNEL_TILE; c++) {
          let gradient = dy[y_index(b, min(co0 + c, params.out_channels - 1u), oy, ox)];
          for (var d = 0u; d < IN_CHANNEL_TILE; d++) {
            acc[c][d] += gradient * inputs[d];
          }
        }
      }
    }
  }

  for (var c = 0u; c < OUT_CHANNEL_TILE; c++) {
    for (var d = 0u; d < IN_CHANNEL_TILE; d++) {
      if (co0 + c < params.out_channels && ci0 + d < params.in_channels) {
        dw[w_index(co0 + c, ci0 + d, ky, kx)] = acc[c][d];
      }
    }
  }
}
