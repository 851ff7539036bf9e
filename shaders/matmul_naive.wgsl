// matmul_naive: one invocation computes one output element with a K-long dot product, reading A and B
// straight from global memory. The readable baseline of the ladder (bench/ladder/matmul.ts), and the kernel
// the engine runs where a register block would mostly compute outputs it drops (outputs of one or two rows,
// or a few columns: engine/backend/webgpu/matmul.ts).
// out (batch, M, N) = op(A) (batch, M, K) x op(B) (batch, K, N); A is stored (M, K), or (K, M) when
// TRANS_A; B is stored (K, N), or (N, K) when TRANS_B; a batch stride of 0 shares one matrix.
// Bindings: 0 uniform Params, 1 a, 2 b, 3 out.

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

override WG_X: u32; // threads along N
override WG_Y: u32; // threads along M
override TRANS_A: bool;
override TRANS_B: bool;

fn a_at(p: u32, m: u32, k: u32) -> f32 {
  return a[p * params.a_batch_stride + select(m * params.K + k, k * params.M + m, TRANS_A)];
}

fn b_at(p: u32, k: u32, n: u32) -> f32 {
  return b[p * params.b_batch_stride + select(k * params.N + n, n * params.K + k, TRANS_B)];
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = gid.x;
  let m = gid.y;
  let p = gid.z;
  if (n >= params.N || m >= params.M || p >= params.batch) {
    return;
  }
  var acc = 0.0;
  for (var k = 0u; k < params.K; k++) {
    acc += a_at(p, m, k) * b_at(p, k, n);
  }
  out[(p * params.M + m) * params.N + n] = acc;
}
