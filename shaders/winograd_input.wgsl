// The Winograd input transform: v[xi, i, t] = (B^T d B)[xi], d the ALPHA x ALPHA patch of src channel i that
// tile t's outputs read (zero outside src), one invocation per (tile, channel); neighbouring invocations take
// neighbouring tiles, so their writes to v are neighbours.
// Prefixed with a transform (winograd_f4.wgsl) and winograd_common.wgsl.
// Dispatch: (ceil(tiles / WG), in_channels, 1).
// Bindings: 0 uniform WinogradParams, 1 src, 2 v.

@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> v: array<f32>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x;
  if (t >= params.tiles) {
    return;
  }
  let i = gid.y;
  let origin = tile_origin(t);
  let y0 = i32(origin.y) - params.pad_h;
  let x0 = i32(origin.z) - params.pad_w;
  let plane = (origin.x * params.in_channels + i) * params.src_h * params.src_w;
  // B^T applied to each column of d, then to each row of the result
  var columns: array<array<f32, ALPHA>, ALPHA>;
  for (var c = 0u; c < ALPHA; c++) {
    var column: array<f32, ALPHA>;
    let x = x0 + i32(c);
    for (var r = 0u; r < ALPHA; r++) {
      let y = y0 + i32(r);
      let inside = u32(y) < params.src_h && u32(x) < params.src_w; // negative wraps past the size
      column[r] = select(0.0, src[select(0u, plane + u32(y) * params.src_w + u32(x), inside)], inside);
    }
    columns[c] = bt_times(column);
  }
  let matrix = params.in_channels * params.tiles;
  for (var r = 0u; r < ALPHA; r++) {
    var row: array<f32, ALPHA>;
    for (var c = 0u; c < ALPHA; c++) {
      row[c] = columns[c][r];
    }
    let transformed = bt_times(row);
    for (var c = 0u; c < ALPHA; c++) {
      v[(r * ALPHA + c) * matrix + i * params.tiles + t] = transformed[c];
    }
  }
}
