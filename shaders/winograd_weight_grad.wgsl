// The last step of the Winograd weight gradient: dw[o, i] = G^T p G, p the ALPHA x ALPHA values p[xi, o, i]
// (the sums over tiles of dyt . v, by matmul), one invocation per channel pair (o, i). A chunk after the
// first (first_image > 0) adds to dw.
// Prefixed with a transform (winograd_f4.wgsl) and winograd_common.wgsl.
// Dispatch: (ceil(out_channels * in_channels / WG), 1, 1).
// Bindings: 0 uniform WinogradParams, 1 p (ALPHA^2, out_channels, in_channels), 2 dw (out_channels, in_channels, 3, 3).

@group(0) @binding(1) var<storage, read> p: array<f32>;
@group(0) @binding(2) var<storage, read_write> dw: array<f32>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let pairs = params.out_channels * params.in_channels;
  let n = gid.x;
  if (n >= pairs) {
    return;
  }
  // G^T applied to each row of p, then to each column of the result
  var rows: array<array<f32, 3>, ALPHA>;
  for (var r = 0u; r < ALPHA; r++) {
    var row: array<f32, ALPHA>;
    for (var c = 0u; c < ALPHA; c++) {
      row[c] = p[(r * ALPHA + c) * pairs + n];
    }
    rows[r] = gt_times(row);
  }
  for (var kx = 0u; kx < 3u; kx++) {
    var column: array<f32, ALPHA>;
    for (var r = 0u; r < ALPHA; r++) {
      column[r] = rows[r][kx];
    }
    let taps = gt_times(column);
    for (var ky = 0u; ky < 3u; ky++) {
      let index = n * 9u + ky * 3u + kx;
      dw[index] = taps[ky] + select(0.0, dw[index], params.first_image != 0u);
    }
  }
}
