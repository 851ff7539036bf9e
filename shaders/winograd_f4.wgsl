// Winograd F(4x4, 3x3) on the points 0, 1, -1, 2, -2 (Lavin and Gray, 2016), first in the source of the
// Winograd kernels (engine/backend/webgpu/winograd.ts): M is the output tile's side, ALPHA = M + 2 the input
// tile's; bt_times, g_times and at_times apply B^T (6x6), G (6x3) and A^T (4x6) to a vector (and a_times,
// gt_times their transposes A and G^T, for the weight gradient).

const M: u32 = 4u;
const ALPHA: u32 = 6u;

fn bt_times(v: array<f32, 6>) -> array<f32, 6> {
  return array<f32, 6>(
    4.0 * v[0] - 5.0 * v[2] + v[4],
    -4.0 * (v[1] + v[2]) + v[3] + v[4],
    4.0 * (v[1] - v[2]) - v[3] + v[4],
    2.0 * (v[3] - v[1]) - v[2] + v[4],
    2.0 * (v[1] - v[3]) - v[2] + v[4],
    4.0 * v[1] - 5.0 * v[3] + v[5],
  );
}

fn g_times(v: array<f32, 3>) -> array<f32, 6> {
  return array<f32, 6>(
    v[0] / 4.0,
    -(v[0] + v[1] + v[2]) / 6.0,
    -(v[0] - v[1] + v[2]) / 6.0,
    v[0] / 24.0 + v[1] / 12.0 + v[2] / 6.0,
    v[0] / 24.0 - v[1] / 12.0 + v[2] / 6.0,
    v[2],
  );
}

fn at_times(v: array<f32, 6>) -> array<f32, 4> {
  return array<f32, 4>(
    v[0] + v[1] + v[2] + v[3] + v[4],
    v[1] - v[2] + 2.0 * (v[3] - v[4]),
    v[1] + v[2] + 4.0 * (v[3] + v[4]),
    v[1] - v[2] + 8.0 * (v[3] - v[4]) + v[5],
  );
}

// For the weight gradient (the transposes): A (6x4) and G^T (3x6) applied to a vector.
fn a_times(v: array<f32, 4>) -> array<f32, 6> {
  return array<f32, 6>(
    v[0],
    v[0] + v[1] + v[2] + v[3],
    v[0] - v[1] + v[2] - v[3],
    v[0] + 2.0 * v[1] + 4.0 * v[2] + 8.0 * v[3],
    v[0] - 2.0 * v[1] + 4.0 * v[2] - 8.0 * v[3],
    v[3],
  );
}

fn gt_times(v: array<f32, 6>) -> array<f32, 3> {
  return array<f32, 3>(
    v[0] / 4.0 - (v[1] + v[2]) / 6.0 + (v[3] + v[4]) / 24.0,
    (v[2] - v[1]) / 6.0 + (v[3] - v[4]) / 12.0,
    (v[3] + v[4] - v[1] - v[2]) / 6.0 + v[5],
  );
}
