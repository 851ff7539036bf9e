// matmul_blocked: register blocking straight from global memory: each thread accumulates a TM x TN block of
// outputs in registers (TM * TN multiply-adds per TM + TN loads instead of 1 per 2), and a workgroup is one
// row of WG_X threads sharing the same TM rows of A (a rows prelude: shaders/rows_uniform.wgsl, uniform
// loads, or rows_subgroup.wgsl, subgroup shuffles); no workgroup memory, so no barriers
// (bench/ladder/matmul_workgroup_tiled.wgsl stages tiles instead).
// The engine runs it where matmul_blocked_vec4 cannot read B as vec4s: B^T products and N % 4 != 0.
// out (batch, M, N) = op(A) (batch, M, K) x op(B) (batch, K, N); A is stored (M, K), or (K, M) when
// TRANS_A; B is stored (K, N), or (N, K) when TRANS_B; a batch stride of 0 shares one matrix.
// A workgroup covers rows [m0, m0 + TM) and columns [n_base, n_base + WG_X * TN); thread x owns columns
// n_base + x + j * WG_X (j < TN), so neighbouring threads read neighbouring columns of B.
// Edges: rows and columns past the matrix are clamped to the last one for loading (the loop has no
// branches) and simply not stored, so any M, N, K work.
// TM and TN size private arrays, which WGSL only allows for const sizes: they are generated `const`
// lines that engine/backend/webgpu/matmul.ts prepends, after the rows prelude. Bindings: 0 uniform Params, 1 a, 2 b, 3 out.

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

override WG_X: u32; // threads in a workgroup, all along N
override TRANS_A: bool;
override TRANS_B: bool;

@compute @workgroup_size(WG_X)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, lanes: RowLanes) {
  let p = wid.z;
  let m0 = wid.y * TM;
  let n0 = wid.x * WG_X * TN + lid.x;

  // Where op(A)[m, 0] and op(B)[0, n] live, and how far one step of k moves in each.
  let a_k_step = select(1u, params.M, TRANS_A);
  let b_k_step = select(params.N, 1u, TRANS_B);
  var a_start: array<u32, ROW_SLOTS>; // of the row in this thread's slot s (rows_*.wgsl)
  var b_start: array<u32, TN>;
  for (var s = 0u; s < ROW_SLOTS; s++) {
    let m = min(m0 + row_of_slot(lanes, s), params.M - 1u);
    a_start[s] = p * params.a_batch_stride + select(m * params.K, m, TRANS_A);
  }
  for (var j = 0u; j < TN; j++) {
    let n = min(n0 + j * WG_X, params.N - 1u);
    b_start[j] = p * params.b_batch_stride + select(n, n * params.K, TRANS_B);
  }

  var acc: array<array<f32, TN>, TM>;
  for (var k = 0u; k < params.K; k++) {
    var b_row: array<f32, TN>;
    for (var j = 0u; j < TN; j++) {
      b_row[j] = b[b_start[j] + k * b_k_step];
    }
    var a_values: array<f32, ROW_SLOTS>;
    for (var s = 0u; s < ROW_SLOTS; s++) {
      a_values[s] = a[a_start[s] + k * a_k_step];
    }
    for (var i = 0u; i < TM; i++) {
      let a_value = row_value(&a_values, lanes, i);
      for (var j = 0u; j < TN; j++) {
        acc[i][j] += a_value * b_row[j];
      }
    }
  }

  for (var i = 0u; i < TM; i++) {
    for (var j = 0u; j < TN; j++) {
      let m = m0 + i;
      let n = n0 + j * WG_X;
      if (m < params.M && n < params.N) {
        out[(p * params.M + m) * params.N + n] = acc[i][j];
      }
    }
  }
}
