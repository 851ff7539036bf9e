// conv2d_naive (ladder rung 1, the readable baseline every faster rung is checked and timed against): one invocation computes one output element. Run: npm run bench:conv -- --rungs naive (results: bench/results/conv-lavapipe.md).
// It loops over the in_channels x kernel_h x kernel_w taps, reading x and w straight from global memory.
// Prefixed with index_common.wgsl and conv_common.wgsl.
//   y[b, co, oy, ox] = bias[co] + sum_{ci, ky, kx} x[b, ci, iy, ix] w[co, ci, ky, kx]
// Bindings: 0 uniform ConvParams, 1 x, 2 w, 3 bias (out_channels), 4 y.

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(wid, nwg, lid, WG);
  if (i >= params.batch * params.out_channels * params.out_h * params.out_w) {
    return;
  }
  let ox = i % params.out_w;
  let oy = (i / params.out_w) % params.out_h;
  let co = (i / (params.out_w * params.out_h)) % params.out_channels;
  let b = i / (params.out_w * params.out_h * params.out_channels);
  var acc = 0.0;
  if (params.has_bias != 0u) {
    acc = bias[co];
  }
  for (var ci = 0u; ci < params.in_channels; ci++) {
    for (var ky = 0u; ky < params.kernel_h; ky++) {
      for (var kx = 0u; kx < params.kernel_w; kx++) {
        let iy = input_row(oy, ky);
        let ix = input_col(ox, kx);
        if (inside_input(iy, ix)) {
          acc += x[x_index(b, ci, u32(iy), u32(ix))] * w[w_index(co, ci, ky, kx)];
        }
      }
    }
  }
  y[i] = acc;
}
