// Winograd F(2x2, 3x3) on the points 0, 1, -1 (Lavin and Gray, 2016), first in the source of the Winograd
// kernels (engine/backend/webgpu/winograd.ts) for the winograd_f2 rungs: 2.25x fewer products than the direct
// sum where F(4x4) has 4x, with smaller transforms and rounding errors. M is the output tile's side,
// ALPHA = M + 2 the input tile's; bt_times, g_times and at_times apply B^T (4x4), G (4x3) and A^T (2x4).

const M: u32 = 2u;
const ALPHA: u32 = 4u;

fn bt_times(v: array<f32, 4>) -> array<f32, 4> {
  return array<f32, 4>(v[0] - v[2], v[1] + v[2], v[2] - v[1], v[1] - v[3]);
}

fn g_times(v: array<f32, 3>) -> array<f32, 4> {
  return array<f32, 4>(v[0], (v[0] + v[1] + v[2]) / 2.0, (v[0] - v[1] + v[2]) / 2.0, v[2]);
}

fn at_times(v: array<f32, 4>) -> array<f32, 2> {
  return array<f32, 2>(v[0] + v[1] + v[2], v[1] - v[2] - v[3]);
}

// For the weight gradient (the transposes): A (4x2) and G^T (3x4) applied to a vector.
fn a_times(v: array<f32, 2>) -> array<f32, 4> {
  return array<f32, 4>(v[0], v[0] + v[1], v[0] - v[1], -v[1]);
}

fn gt_times(v: array<f32, 4>) -> array<f32, 3> {
  return array<f32, 3>(v[0] + (v[1] + v[2]) / 2.0, (v[1] - v[2]) / 2.0, (v[1] + v[2]) / 2.0 + v[3]);
}
