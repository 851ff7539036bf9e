// avgPool2d backward (gather): one invocation per input pixel sums dy / (kernel_h * kernel_w) over every
// window that contains it (count_include_pad: the divisor is the full window). Prefixed with pool_common.wgsl.
// Bindings: 0 uniform PoolParams, 1 dy (planes, out_h, out_w), 2 dx (planes, in_h, in_w).

@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

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
      acc += dy[(plane * params.out_h + u32(oy)) * params.out_w + u32(ox)];
    }
  }
  dx[i] = acc / f32(params.kernel_h * params.kernel_w);
}
