// reduce over a middle axis: x viewed as (outer, reduced, inner) -> out (outer, inner),
// out[o, j] = sum (OP 0) or max (OP 1) of x[o, 0..reduced, j], for inner > 1 (a sum over leading axes,
// as a bias gradient over the batch). One thread per output, folding its column in order; neighbouring
// threads own neighbouring j, so their reads are neighbours. reduce.wgsl serves inner == 1.
// index_common.wgsl (flat_index) is prepended. Bindings: 0 uniform {outer, reduced, inner}, 1 x, 2 out.

struct Params {
  outer: u32,
  reduced: u32,
  inner: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

override WG: u32;
override OP: u32; // 0 = sum, 1 = max

// -inf, as in the CPU reference; from a private variable since WGSL has no infinity constant
var<private> negative_infinity_bits: u32 = 0xff800000u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let k = flat_index(wid, nwg, lid, WG);
  if (k >= params.outer * params.inner) {
    return;
  }
  let o = k / params.inner;
  let j = k % params.inner;
  var acc = select(0.0, bitcast<f32>(negative_infinity_bits), OP == 1u);
  for (var r = 0u; r < params.reduced; r++) {
    let v = x[(o * params.reduced + r) * params.inner + j];
    acc = select(acc + v, max(acc, v), OP == 1u);
  }
  out[k] = acc;
}
