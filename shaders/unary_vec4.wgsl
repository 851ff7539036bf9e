// unary, four elements per thread (n % 4 == 0): out[4q .. 4q+3] = op(x[4q .. 4q+3], alpha), from one vec4
// load. Same op and Params as unary.wgsl, prepended likewise.
// Bindings: 0 uniform {n, alpha}, 1 x, 2 out.

struct Params {
  n: u32,
  alpha: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4<f32>>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = flat_index(wid, nwg, lid, WG);
  if (q < params.n / 4u) {
    let v = x[q];
    let alpha = params.alpha;
    out[q] = vec4(op(v.x, alpha), op(v.y, alpha), op(v.z, alpha), op(v.w, alpha));
  }
}
