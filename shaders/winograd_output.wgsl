// The Winograd output transform: the M x M output tile t of channel o is A^T m_t A plus the bias, m_t the
// ALPHA x ALPHA values m[xi, o, t], one invocation per (tile, channel); outputs past dst's edge are dropped.
// Prefixed with a transform (winograd_f4.wgsl) and winograd_common.wgsl.
// Dispatch: (ceil(tiles / WG), out_channels, 1).
// Bindings: 0 uniform WinogradParams, 1 m, 2 bias (out_channels), 3 dst.

@group(0) @binding(1) var<storage, read> m: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;

override WG: u32;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x;
  if (t >= params.tiles) {
    return;
  }
  let o = gid.y;
  let matrix = params.out_channels * params.tiles;
  // A^T applied to each row of m_t, then to each column of the result
  var rows: array<array<f32, M>, ALPHA>;
  for (var r = 0u; r < ALPHA; r++) {
    var row: array<f32, ALPHA>;
    for (var c = 0u; c < ALPHA; c++) {
      row[c] = m[(r * ALPHA + c) * matrix + o * params.tiles + t];
    }
    rows[r] = at_times(row);
  }
  let origin = tile_origin(t);
  let bias_value = select(0.0, bias[o], params.has_bias != 0u);
  let plane = (origin.x * params.out_channels + o) * params.dst_h * params.dst_w;
  for (var x = 0u; x < M; x++) {
    var column: array<f32, ALPHA>;
    for (var r = 0u; r < ALPHA; r++) {
      column[r] = rows[r][x];
    }
    let outputs = at_times(column);
    for (var y = 0u; y < M; y++) {
      let oy = origin.y + y;
      let ox = origin.z + x;
      if (oy < params.dst_h && ox < params.dst_w) {
        dst[plane + oy * params.dst_w + ox] = outputs[y] + bias_value;
      }
    }
  }
}
