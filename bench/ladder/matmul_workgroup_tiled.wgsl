// matmul_workgroup_tiled (ladder rung 2, after matmul_naive; not in the engine, which runs matmul_blocked): each TILE x TILE workgroup stages a tile of A and a tile of B in workgroup memory, so each value is read from global memory once per tile instead of once per output, the classic GPU step. Run: npm run bench:matmul -- --rungs matmul_workgroup_tiled (results: bench/results/matmul-lavapipe.md).
// out (batch, M, N) = op(A) (batch, M, K) x op(B) (batch, K, N); A is stored (M, K), or (K, M) when
// TRANS_A; B is stored (K, N), or (N, K) when TRANS_B; a batch stride of 0 shares one matrix.
// Tiles past the matrix edge are filled with zeros, so any M, N, K work. Bindings: 0 uniform Params, 1 a, 2 b, 3 out.

struct Params {
  batch: u32,
  M: u32,
  N: u32,
  K: u32,
  a_batch_stride: u32,
  b_batch_stride: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override TILE: u32; // the workgroup is TILE x TILE threads, one output each; tiles are TILE x TILE
override TRANS_A: bool;
override TRANS_B: bool;

var<workgroup> a_tile: array<f32, TILE * TILE>; // a_tile[row m][k]
var<workgroup> b_tile: array<f32, TILE * TILE>; // b_tile[k][column n]

/** op(A)[m, k] of batch entry p, or 0 outside the matrix. */
fn a_at(p: u32, m: u32, k: u32) -> f32 {
  if (m >= params.M || k >= params.K) {
    return 0.0;
  }
  return a[p * params.a_batch_stride + select(m * params.K + k, k * params.M + m, TRANS_A)];
}

/** op(B)[k, n] of batch entry p, or 0 outside the matrix. */
fn b_at(p: u32, k: u32, n: u32) -> f32 {
  if (k >= params.K || n >= params.N) {
    return 0.0;
  }
  return b[p * params.b_batch_stride + select(k * params.N + n, n * params.K + k, TRANS_B)];
}

@compute @workgroup_size(TILE, TILE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let p = wid.z;
  let m = wid.y * TILE + lid.y;
  let n = wid.x * TILE + lid.x;
  var acc = 0.0;
  for (var k0 = 0u; k0 < params.K; k0 += TILE) {
    // Each thread loads one value of each tile, then every thread reads TILE values of each.
    a_tile[lid.y * TILE + lid.x] = a_at(p, m, k0 + lid.x);
    b_tile[lid.y * TILE + lid.x] = b_at(p, k0 + lid.y, n);
    workgroupBarrier();
    for (var k = 0u; k < TILE; k++) {
      acc += a_tile[lid.y * TILE + k] * b_tile[k * TILE + lid.x];
    }
    workgroupBarrier(); // the next tile may only overwrite these once every thread has read them
  }
  if (m < params.M && n < params.N) {
    out[(p * params.M + m) * params.N + n] = acc;
  }
}
