// The Winograd kernel transform: u[xi, o, i] = (G k[o, i] G^T)[xi], one invocation per channel pair (o, i).
// Prefixed with a transform (winograd_f4.wgsl) and winograd_common.wgsl.
// Dispatch: (ceil(out_channels * in_channels / WG), 1, 1).
// Bindings: 0 uniform WinogradParams, 1 w, 2 u.

@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> u: array<f32>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let pairs = params.out_channels * params.in_channels;
  let n = gid.x;
  if (n >= pairs) {
    return;
  }
  let o = n / params.in_channels;
  let i = n % params.in_channels;
  // G applied to each column of k, then to each row of the result
  var columns: array<array<f32, ALPHA>, 3>;
  for (var c = 0u; c < 3u; c++) {
    var column: array<f32, 3>;
    for (var r = 0u; r < 3u; r++) {
      if (params.flipped != 0u) {
        column[r] = w[(i * params.out_channels + o) * 9u + 8u - (r * 3u + c)];
      } else {
        column[r] = w[n * 9u + r * 3u + c];
      }
    }
    columns[c] = g_times(column);
  }
  for (var r = 0u; r < ALPHA; r++) {
    let row = g_times(array<f32, 3>(columns[0][r], columns[1][r], columns[2][r]));
    for (var c = 0u; c < ALPHA; c++) {
      u[(r * ALPHA + c) * pairs + n] = row[c];
    }
  }
}
