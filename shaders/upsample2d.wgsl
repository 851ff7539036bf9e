// upsample2d forward: one invocation per output pixel blends the (up to) 2x2 input pixels its row and
// column taps name; nearest taps have weight 0 on the second pixel. Prefixed with upsample_common.wgsl.
// Bindings: 0 uniform UpsampleParams, 1 x (planes, in_h, in_w), 2 y (planes, in_h*scale, in_w*scale).

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let out_h = params.in_h * params.scale;
  let out_w = params.in_w * params.scale;
  let i = flat_index(wid, nwg, lid, WG);
  if (i >= params.planes * out_h * out_w) {
    return;
  }
  let ox = i % out_w;
  let oy = (i / out_w) % out_h;
  let base = (i / (out_w * out_h)) * params.in_h * params.in_w;
  let r = source_taps(oy, params.in_h);
  let c = source_taps(ox, params.in_w);
  let top = (1.0 - c.w1) * x[base + r.i0 * params.in_w + c.i0] + c.w1 * x[base + r.i0 * params.in_w + c.i1];
  let bottom = (1.0 - c.w1) * x[base + r.i1 * params.in_w + c.i0] + c.w1 * x[base + r.i1 * params.in_w + c.i1];
  y[i] = (1.0 - r.w1) * top + r.w1 * bottom;
}
