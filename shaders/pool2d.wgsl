// pool2d forward: one invocation per output element computes its window's max (MAX_POOL; padding never
// wins, ties keep the first pixel in row-major order) or mean (count_include_pad: the divisor is always
// kernel_h * kernel_w). Prefixed with pool_common.wgsl.
// Bindings: 0 uniform PoolParams, 1 x (planes, in_h, in_w), 2 y (planes, out_h, out_w).

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

override MAX_POOL: bool;

// -inf, from a private variable since WGSL has no infinity constant
var<private> negative_infinity_bits: u32 = 0xff800000u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(wid, nwg, lid, WG);
  if (i >= params.planes * params.out_h * params.out_w) {
    return;
  }
  let ox = i % params.out_w;
  let oy = (i / params.out_w) % params.out_h;
  let plane = i / (params.out_w * params.out_h);
  var best = bitcast<f32>(negative_infinity_bits);
  var total = 0.0;
  for (var ky = 0u; ky < params.kernel_h; ky++) {
    for (var kx = 0u; kx < params.kernel_w; kx++) {
      let iy = window_row(oy, ky);
      let ix = window_col(ox, kx);
      if (inside_input(iy, ix)) {
        let value = x[(plane * params.in_h + u32(iy)) * params.in_w + u32(ix)];
        best = select(best, value, value > best);
        total += value;
      }
    }
  }
  y[i] = select(total / f32(params.kernel_h * params.kernel_w), best, MAX_POOL);
}
