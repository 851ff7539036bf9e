// adamUpdate: one Adam step (torch.optim.Adam, no amsgrad) for one parameter tensor, in place:
//   g = grad + weight_decay * param
//   m = beta1 m + (1 - beta1) g ;   v = beta2 v + (1 - beta2) g^2
//   param -= step_size * m / (sqrt(v) / bias_correction2_sqrt + eps)
// with step_size = lr / (1 - beta1^t) and bias_correction2_sqrt = sqrt(1 - beta2^t) from the host.
// One invocation per PACK elements (a generated header: `alias packed = vec4<f32>` and PACK 4 when n % 4 == 0,
// else f32 and 1; the arithmetic is the same, componentwise); param, m and v are each read and written once.
// index_common.wgsl (flat_index) is prepended.
// Bindings: 0 uniform Params, 1 grad, 2 param, 3 m, 4 v (param, m, v read_write).

struct Params {
  n: u32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weight_decay: f32,
  step_size: f32,
  bias_correction2_sqrt: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> grad: array<packed>;
@group(0) @binding(2) var<storage, read_write> param: array<packed>;
@group(0) @binding(3) var<storage, read_write> m: array<packed>;
@group(0) @binding(4) var<storage, read_write> v: array<packed>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(wid, nwg, lid, WG);
  if (i >= params.n / PACK) {
    return;
  }
  let p = param[i];
  let g = grad[i] + params.weight_decay * p;
  let m_new = params.beta1 * m[i] + (1.0 - params.beta1) * g;
  let v_new = params.beta2 * v[i] + (1.0 - params.beta2) * g * g;
  m[i] = m_new;
  v[i] = v_new;
  param[i] = p - params.step_size * m_new / (sqrt(v_new) / params.bias_correction2_sqrt + params.eps);
}
