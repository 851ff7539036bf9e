// sgdUpdate: one SGD step (torch.optim.SGD, dampening 0, no Nesterov) for one parameter tensor, in place:
//   g = grad + weight_decay * param
//   if momentum > 0: buffer = first_step ? g : momentum * buffer + g;  g = buffer
//   param -= lr * g
// When momentum is 0 the buffer binding is a placeholder that is never read or written.
// index_common.wgsl (flat_index) is prepended.
// Bindings: 0 uniform Params, 1 grad, 2 param, 3 momentum_buffer (param, momentum_buffer read_write).

struct Params {
  n: u32,
  lr: f32,
  momentum: f32,
  weight_decay: f32,
  first_step: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> param: array<f32>;
@group(0) @binding(3) var<storage, read_write> momentum_buffer: array<f32>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(wid, nwg, lid, WG);
  if (i >= params.n) {
    return;
  }
  let p = param[i];
  var g = grad[i] + params.weight_decay * p;
  if (params.momentum > 0.0) {
    if (params.first_step == 0u) {
      g = params.momentum * momentum_buffer[i] + g;
    }
    momentum_buffer[i] = g;
  }
  param[i] = p - params.lr * g;
}
