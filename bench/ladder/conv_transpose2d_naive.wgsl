// conv_transpose2d_naive (ladder rung 1, the readable baseline): a gather, one invocation per element of the conv2d *input* side. Run: npm run bench:conv -- --rungs naive (results: bench/results/conv-lavapipe.md).
// Each invocation sums the y-side values whose taps land on its element. This is both the transposed
// convolution and conv2d's input gradient (the same sum). Prefixed with index_common.wgsl and conv_common.wgsl.
//   dx[b, ci, iy, ix] = bias[ci] + sum over (co, ky, kx) and the (oy, ox) with
//                       oy*stride_h - pad_h + ky*dilation_h = iy (likewise for columns) of dy[b, co, oy, ox] w[co, ci, ky, kx]
// Bindings: 0 uniform ConvParams, 1 dy (y side), 2 w, 3 bias (in_channels), 4 dx (x side).

@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(wid, nwg, lid, WG);
  if (i >= params.batch * params.in_channels * params.in_h * params.in_w) {
    return;
  }
  let ix = i % params.in_w;
  let iy = (i / params.in_w) % params.in_h;
  let ci = (i / (params.in_w * params.in_h)) % params.in_channels;
  let b = i / (params.in_w * params.in_h * params.in_channels);
  var acc = 0.0;
  if (params.has_bias != 0u) {
    acc = bias[ci];
  }
  for (var co = 0u; co < params.out_channels; co++) {
    for (var ky = 0u; ky < params.kernel_h; ky++) {
      let oy = output_row(iy, ky);
      if (oy < 0) {
        continue;
      }
      for (var kx = 0u; kx < params.kernel_w; kx++) {
        let ox = output_col(ix, kx);
        if (ox >= 0) {
          acc += dy[y_index(b, co, u32(oy), u32(ox))] * w[w_index(co, ci, ky, kx)];
        }
      }
    }
  }
  dx[i] = acc;
}
