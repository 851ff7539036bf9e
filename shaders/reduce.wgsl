// reduce over the last axis: x viewed as (outer, reduced) -> out (outer), out[o] = sum (OP 0) or max (OP 1)
// of x[o, 0..reduced) (reduce_strided.wgsl serves a reduced axis with kept axes after it).
// One workgroup per output: each thread folds a strided share of the row, then a tree in workgroup
// memory combines the WG partial results.
// index_common.wgsl (flat_workgroup) is prepended. Bindings: 0 uniform {outer, reduced}, 1 x, 2 out.

struct Params {
  outer: u32,
  reduced: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

override WG: u32; // a power of two
override OP: u32; // 0 = sum, 1 = max

var<workgroup> partial: array<f32, WG>;

// -inf, as in the CPU reference; from a private variable since WGSL has no infinity constant
var<private> negative_infinity_bits: u32 = 0xff800000u;

fn identity() -> f32 {
  return select(0.0, bitcast<f32>(negative_infinity_bits), OP == 1u);
}

fn combine(a: f32, b: f32) -> f32 {
  return select(a + b, max(a, b), OP == 1u);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = flat_workgroup(wid, nwg);
  // every thread of the workgroup reaches the barriers below, even when o is past the end
  let in_range = o < params.outer;
  var acc = identity();
  if (in_range) {
    for (var i = lid.x; i < params.reduced; i += WG) {
      acc = combine(acc, x[o * params.reduced + i]);
    }
  }
  partial[lid.x] = acc;
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (lid.x < stride) {
      partial[lid.x] = combine(partial[lid.x], partial[lid.x + stride]);
    }
  }
  if (in_range && lid.x == 0u) {
    out[o] = partial[0];
  }
}
