// conv2d_weight_grad_naive (ladder rung 1, the readable baseline): one invocation computes one weight's gradient. Run: npm run bench:conv -- --rungs naive (results: bench/results/conv-lavapipe.md).
// It is a dot product over (batch, out_h, out_w) of dy with the input pixels that weight's tap read. Serves
// conv2d's dw, and convTranspose2d's dw with the x and y sides swapped. Prefixed with index_common.wgsl and
// conv_common.wgsl.
//   dw[co, ci, ky, kx] = sum_{b, oy, ox} dy[b, co, oy, ox] x[b, ci, iy, ix]
// Bindings: 0 uniform ConvParams, 1 x, 2 dy, 3 dw.

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dw: array<f32>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(wid, nwg, lid, WG);
  if (i >= params.out_channels * params.in_channels * params.kernel_h * params.kernel_w) {
    return;
  }
  let kx = i % params.kernel_w;
  let ky = (i / params.kernel_w) % params.kernel_h;
  let ci = (i / (params.kernel_w * params.kernel_h)) % params.in_channels;
  let co = i / (params.kernel_w * params.kernel_h * params.in_channels);
  var acc = 0.0;
  for (var b = 0u; b < params.batch; b++) {
    for (var oy = 0u; oy < params.out_h; oy++) {
      let iy = input_row(oy, ky);
      if (iy < 0 || iy >= i32(params.in_h)) {
        continue;
      }
      for (var ox = 0u; ox < params.out_w; ox++) {
        let ix = input_col(ox, kx);
        if (ix >= 0 && ix < i32(params.in_w)) {
          acc += dy[y_index(b, co, oy, ox)] * x[x_index(b, ci, u32(iy), u32(ix))];
        }
      }
    }
  }
  dw[i] = acc;
}
