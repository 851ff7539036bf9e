// CPU matmul: out (batch, M, N) = op(A) (batch, M, K) x op(B) (batch, K, N), where op transposes when asked.
// A is stored (M, K) or, with transA, (K, M); B is (K, N) or, with transB, (N, K). A batch stride of 0
// reuses one matrix for every batch entry.
import { registerCpuKernel } from './registry.js';

registerCpuKernel('matmul', ([a, b], [out], { batch, M, N, K, transA, transB, aBatchStride, bBatchStride }) => {
  for (let p = 0; p < batch; p++) {
    const a0 = p * aBatchStride;
    const b0 = p * bBatchStride;
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let acc = 0;
        for (let k = 0; k < K; k++) {
          const av = a[a0 + (transA ? k * M + m : m * K + k)];
          const bv = b[b0 + (transB ? n * K + k : k * N + n)];
          acc += av * bv;
        }
        out[(p * M + m) * N + n] = acc;
      }
    }
  }
});
