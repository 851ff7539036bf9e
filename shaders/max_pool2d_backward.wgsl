// maxPool2d backward (gather): one invocation per input pixel sums the dy of every window that contains
// it and whose arg-max it is. The arg-max is recomputed from x exactly as the forward picks it: the
// first pixel in row-major window order holding the largest value (strictly greater wins).
// Prefixed with pool_common.wgsl.
// Bindings: 0 uniform PoolParams, 1 x (planes, in_h, in_w), 2 dy (planes, out_h, out_w), 3 dx (as x).

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

/** Flat index (in its plane) of the first arg-max of window (oy, ox). */
fn window_arg_max(plane: u32, oy: u32, ox: u32) -> u32 {
  var best_index = 0u;
  var found = false;
  var best = 0.0;
  for (var ky = 0u; ky < params.kernel_h; ky++) {
    for (var kx = 0u; kx < params.kernel_w; kx++) {
      let iy = window_row(oy, ky);
      let ix = window_col(ox, kx);
      if (inside_input(iy, ix)) {
        let index = u32(iy) * params.in_w + u32(ix);
        let value = x[plane * params.in_h * params.in_w + index];
        if (!found || value > best) {
          found = true;
          best = value;
          best_index = index;
        }
      }
    }
  }
  return best_index;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(wid, nwg, lid, WG);
  if (i >= params.planes * params.in_h * params.in_w) {
    return;
  }
  let ix = i % params.in_w;
  let iy = (i / params.in_w) % params.in_h;
  let plane = i / (params.in_w * params.in_h);
  let rows = windows_containing(iy, params.kernel_h, params.stride_h, params.pad_h, params.out_h);
  let cols = windows_containing(ix, params.kernel_w, params.stride_w, params.pad_w, params.out_w);
  var acc = 0.0;
  for (var oy = rows.x; oy <= rows.y; oy++) {
    for (var ox = cols.x; ox <= cols.y; ox++) {
      if (window_arg_max(plane, u32(oy), u32(ox)) == iy * params.in_w + ix) {
        acc += dy[(plane * params.out_h + u32(oy)) * params.out_w + u32(ox)];
      }
    }
  }
  dx[i] = acc;
}
