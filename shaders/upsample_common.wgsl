// Prepended to both upsampling kernels: the uniform record (engine/ops/pool.ts UpsampleGeometry) and the
// one definition of which input pixels an output coordinate reads, shared by forward and backward.
// Maps are (planes = B*C, h, w); the output is (planes, in_h*scale, in_w*scale). index_common.wgsl
// (flat_index) comes before it.

struct UpsampleParams {
  planes: u32,
  in_h: u32,
  in_w: u32,
  scale: u32,
  bilinear: u32, // 0: nearest, 1: bilinear with align_corners = false
}

@group(0) @binding(0) var<uniform> params: UpsampleParams;

override WG: u32;

/** Output coordinate o reads input i0 with weight 1 - w1 and i1 with weight w1 (along an axis of `size`). */
struct Taps {
  i0: u32,
  i1: u32,
  w1: f32,
}

fn source_taps(o: u32, size: u32) -> Taps {
  if (params.bilinear == 0u) {
    let i = o / params.scale;
    return Taps(i, i, 0.0);
  }
  // pixel centres line up: source = (o + 0.5)/scale - 0.5, clamped to the first centre
  let source = max((f32(o) + 0.5) / f32(params.scale) - 0.5, 0.0);
  let i0 = u32(floor(source));
  return Taps(i0, min(i0 + 1u, size - 1u), source - f32(i0));
}

/** The weight input coordinate i gets in output coordinate o (0 when o does not read it). */
fn tap_weight(o: u32, i: u32, size: u32) -> f32 {
  let taps = source_taps(o, size);
  return select(0.0, 1.0 - taps.w1, taps.i0 == i) + select(0.0, taps.w1, taps.i1 == i);
}
