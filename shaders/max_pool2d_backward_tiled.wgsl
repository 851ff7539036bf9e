// maxPool2d backward when the windows tile the input exactly (kernel == stride, no padding, the sides
// multiples of the stride, as maxPool2d(2) on 28x28): every input pixel lies in exactly one window, so one
// invocation per window finds its arg-max once (as the forward: the first largest in row-major window
// order) and writes the whole window: dy at the arg-max, 0 elsewhere. The gather kernel
// (max_pool2d_backward.wgsl) would find each window's arg-max once per pixel of it.
// Prefixed with pool_common.wgsl.
// Bindings: 0 uniform PoolParams, 1 x (planes, in_h, in_w), 2 dy (planes, out_h, out_w), 3 dx (as x).

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = flat_index(wid, nwg, lid, WG);
  if (o >= params.planes * params.out_h * params.out_w) {
    return;
  }
  let ox = o % params.out_w;
  let oy = (o / params.out_w) % params.out_h;
  let plane_start = (o / (params.out_w * params.out_h)) * params.in_h * params.in_w;
  let corner = plane_start + oy * params.stride_h * params.in_w + ox * params.stride_w;
  var best_index = corner;
  var best = x[corner];
  for (var ky = 0u; ky < params.kernel_h; ky++) {
    for (var kx = 0u; kx < params.kernel_w; kx++) {
      let index = corner + ky * params.in_w + kx;
      let value = x[index];
      if (value > best) {
        best = value;
        best_index = index;
      }
    }
  }
  let gradient = dy[o];
  for (var ky = 0u; ky < params.kernel_h; ky++) {
    for (var kx = 0u; kx < params.kernel_w; kx++) {
      let index = corner + ky * params.in_w + kx;
      dx[index] = select(0.0, gradient, index == best_index);
    }
  }
}
