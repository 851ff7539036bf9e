// upsample2d backward (gather): one invocation per input pixel sums dy over the output pixels that read
// it, each weighted as in the forward. Output row oy reads input rows at most one away from
// oy/scale, so rows (iy-1)*scale .. (iy+2)*scale hold every reader. Prefixed with upsample_common.wgsl.
// Bindings: 0 uniform UpsampleParams, 1 dy (planes, in_h*scale, in_w*scale), 2 dx (planes, in_h, in_w).

@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let out_h = params.in_h * params.scale;
  let out_w = params.in_w * params.scale;
  let i = flat_index(wid, nwg, lid, WG);
  if (i >= params.planes * params.in_h * params.in_w) {
    return;
  }
  let ix = i % params.in_w;
  let iy = (i / params.in_w) % params.in_h;
  let base = (i / (params.in_w * params.in_h)) * out_h * out_w;
  var acc = 0.0;
  for (var oy = max(iy, 1u) * params.scale - params.scale; oy < min(out_h, (iy + 2u) * params.scale); oy++) {
    let wy = tap_weight(oy, iy, params.in_h);
    if (wy == 0.0) {
      continue;
    }
    for (var ox = max(ix, 1u) * params.scale - params.scale; ox < min(out_w, (ix + 2u) * params.scale); ox++) {
      acc += wy * tap_weight(ox, ix, params.in_w) * dy[base + oy * out_w + ox];
    }
  }
  dx[i] = acc;
}
