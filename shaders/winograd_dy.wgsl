// The Winograd transform of the output gradient, for the weight gradient: dyt[xi, o, t] = (A g A^T)[xi], g the
// M x M tile t of dy channel o (zero past dy's edge), one invocation per (tile, channel). Then
//   dw[o, i] = G^T (sum_t dyt[., o, t] . v[., i, t]) G
// since a tile's output A^T (u . v) A is linear in u = G w G^T (winograd_weight_grad.wgsl finishes it).
// Prefixed with a transform (winograd_f4.wgsl) and winograd_common.wgsl; dy is the dst side, (B, out_channels, dst_h, dst_w).
// Dispatch: (ceil(tiles / WG), out_channels, 1).
// Bindings: 0 uniform WinogradParams, 1 dy, 2 dyt.

@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dyt: array<f32>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x;
  if (t >= params.tiles) {
    return;
  }
  let o = gid.y;
  let origin = tile_origin(t);
  let plane = (origin.x * params.out_channels + o) * params.dst_h * params.dst_w;
  // A applied to each column of the tile, then to each row of the result
  var columns: array<array<f32, ALPHA>, M>;
  for (var c = 0u; c < M; c++) {
    var column: array<f32, M>;
    let x = origin.z + c;
    for (var r = 0u; r < M; r++) {
      let y = origin.y + r;
      let inside = y < params.dst_h && x < params.dst_w;
      column[r] = select(0.0, dy[select(0u, plane + y * params.dst_w + x, inside)], inside);
    }
    columns[c] = a_times(column);
  }
  let matrix = params.out_channels * params.tiles;
  for (var r = 0u; r < ALPHA; r++) {
    var row: array<f32, M>;
    for (var c = 0u; c < M; c++) {
      row[c] = columns[c][r];
    }
    let transformed = a_times(row);
    for (var c = 0u; c < ALPHA; c++) {
      dyt[(r * ALPHA + c) * matrix + o * params.tiles + t] = transformed[c];
    }
  }
}
