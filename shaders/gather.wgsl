// gather: x (outer, axis_size, inner), indices (count, stored as f32) -> out (outer, count, inner),
//   out[o, j, i] = x[o, indices[j], i]   (0 when indices[j] is out of range).
// gather_backward: dy (outer, count, inner) -> dx (outer, axis_size, inner),
//   dx[o, a, i] = sum over j with indices[j] == a of dy[o, j, i]
// (each dx element loops over the indices: deterministic, no atomics).
// index_common.wgsl (flat_index) is prepended. Bindings: 0 uniform Params, 1 source (x or dy), 2 indices, 3 out (out or dx).

struct Params {
  outer: u32,
  axis_size: u32,
  count: u32,
  inner: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> source: array<f32>;
@group(0) @binding(2) var<storage, read> indices: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override WG: u32;

@compute @workgroup_size(WG)
fn gather(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
          @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = flat_index(wid, nwg, lid, WG);
  if (t >= params.outer * params.count * params.inner) {
    return;
  }
  let i = t % params.inner;
  let j = (t / params.inner) % params.count;
  let o = t / (params.inner * params.count);
  let a = indices[j];
  if (a >= 0.0 && a < f32(params.axis_size) && a == floor(a)) {
    out[t] = source[(o * params.axis_size + u32(a)) * params.inner + i];
  } else {
    out[t] = 0.0;
  }
}

@compute @workgroup_size(WG)
fn gather_backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                   @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = flat_index(wid, nwg, lid, WG);
  if (t >= params.outer * params.axis_size * params.inner) {
    return;
  }
  let i = t % params.inner;
  let a = f32((t / params.inner) % params.axis_size);
  let o = t / (params.inner * params.axis_size);
  var acc = 0.0;
  for (var j = 0u; j < params.count; j++) {
    if (indices[j] == a) {
      acc += source[(o * params.count + j) * params.inner + i];
    }
  }
  out[t] = acc;
}
