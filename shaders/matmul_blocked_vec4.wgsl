// matmul_blocked_vec4: matmul_blocked's register blocking with B read as vec4s along N (one load per 4
// columns, accumulated as vec4s). It needs B stored (K, N) with N % 4 == 0; B^T products and other widths
// run matmul_blocked (engine/backend/webgpu/matmul.ts). Timings, and the variants tried and left out:
// bench/results/matmul-lavapipe.md.
// out (batch, M, N) = op(A) (batch, M, K) x B (batch, K, N); A is stored (M, K), or (K, M) when TRANS_A;
// B is stored (K, N); a batch stride of 0 shares one matrix. b is read as a vec4 view, so B's rows must
// start on a vec4: N % 4 == 0 (the batch stride K * N follows).
// A workgroup covers rows [m0, m0 + TM) and WG_X * TN columns from n_base; thread x owns the TN / 4
// column quads starting at n_base + 4 * (x + g * WG_X), so neighbouring threads read neighbouring vec4s
// of B. A's rows are shared by the workgroup (a rows prelude: shaders/rows_uniform.wgsl or rows_subgroup.wgsl).
// Edges: rows and column quads past the matrix are clamped to the last one for loading (N % 4 == 0, so a
// quad is wholly in or out, and the tail of a buffer's last vec4 is never used) and simply not stored.
// TM and TN size private arrays, which WGSL only allows for const sizes: they are generated `const`
// lines that engine/backend/webgpu/matmul.ts prepends after the rows prelude (TN a multiple of 4). Bindings: 0 uniform Params,
// 1 a, 2 b, 3 out.

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
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override WG_X: u32; // threads in a workgroup, all along N
override TRANS_A: bool;

const QUADS: u32 = TN / 4u; // column quads per thread

var<private> p: u32;
var<private> m0: u32;

fn store(i: u32, n: u32, value: f32) {
  let m = m0 + i;
  if (m < params.M && n < params.N) {
    out[(p * params.M + m) * params.N + n] = value;
  }
}

/** Accumulates thread x's TM x TN block over k and stores it. */
fn multiply(x: u32, n_base: u32, lanes: RowLanes) {
  // Where op(A)[m0 + i, 0] lives (rows past M clamped to the last), and how far one step of k moves.
  let a_k_step = select(1u, params.M, TRANS_A);
  var a_start: array<u32, ROW_SLOTS>; // of the row in this thread's slot s (rows_*.wgsl)
  for (var s = 0u; s < ROW_SLOTS; s++) {
    let m = min(m0 + row_of_slot(lanes, s), params.M - 1u);
    a_start[s] = p * params.a_batch_stride + select(m * params.K, m, TRANS_A);
  }
  let row_quads = params.N / 4u;
  var b_start: array<u32, QUADS>; // in vec4s
  for (var g = 0u; g < QUADS; g++) {
    let quad = min(n_base / 4u + x + g * WG_X, row_quads - 1u);
    b_start[g] = p * params.b_batch_stride / 4u + quad;
  }

  var acc: array<array<vec4<f32>, QUADS>, TM>;
  for (var k = 0u; k < params.K; k++) {
    var b_row: array<vec4<f32>, QUADS>;
    for (var g = 0u; g < QUADS; g++) {
      b_row[g] = b[b_start[g] + k * row_quads];
    }
    var a_values: array<f32, ROW_SLOTS>;
    for (var s = 0u; s < ROW_SLOTS; s++) {
      a_values[s] = a[a_start[s] + k * a_k_step];
    }
    for (var i = 0u; i < TM; i++) {
      let a_value = row_value(&a_values, lanes, i);
      for (var g = 0u; g < QUADS; g++) {
        acc[i][g] += a_value * b_row[g];
      }
    }
  }

  for (var i = 0u; i < TM; i++) {
    for (var g = 0u; g < QUADS; g++) {
      let n = n_base + 4u * (x + g * WG_X);
      for (var c = 0u; c < 4u; c++) {
        store(i, n + c, acc[i][g][c]);
      }
    }
  }
}

@compute @workgroup_size(WG_X)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, lanes: RowLanes) {
  p = wid.z;
  m0 = wid.y * TM;
  multiply(lid.x, wid.x * WG_X * TN, lanes);
}
