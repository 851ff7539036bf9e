// Matrix multiplication, 2-D or batched: out (..., M, N) = op(a) (..., M, K) x op(b) (..., K, N), where
// op(a) = a^T when transA (a stored (..., K, M)); likewise for b. Batch axes must agree, or one side may be
// a plain matrix shared by every batch entry. The backward rule is two more matmuls:
//   d op(a) = dy x op(b)^T      d op(b) = op(a)^T x dy
// written with the transpose flags, so no transposed copy is ever made.
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { record } from '../autograd.js';

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
}

export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  const describe = () =>
    `matmul: cannot multiply ${formatShape(a.shape)}${transA ? '^T' : ''} by ${formatShape(b.shape)}${transB ? '^T' : ''}`;
  if (a.rank < 2 || b.rank < 2) throw new Error(`${describe()} (both operands need at least 2 axes)`);
  if (a.backend !== b.backend) throw new Error(`${describe()} (different backends)`);
  const [aRows, aCols] = a.shape.slice(-2);
  const [bRows, bCols] = b.shape.slice(-2);
  const M = transA ? aCols : aRows;
  const K = transA ? aRows : aCols;
  const N = transB ? bRows : bCols;
  if ((transB ? bCols : bRows) !== K) throw new Error(`${describe()} (inner sizes differ)`);

  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batchShape = aBatch.length >= bBatch.length ? aBatch : bBatch;
  const sharesA = aBatch.length === 0;
  const sharesB = bBatch.length === 0;
  if (!sharesA && !sharesB && formatShape(aBatch) !== formatShape(bBatch)) {
    throw new Error(`${describe()} (batch axes differ)`);
  }
  const batch = batchShape.reduce((n, d) => n * d, 1);
  const out = Tensor.empty([...batchShape, M, N], a.backend);
  a.backend.run('matmul', [a.storage, b.storage], [out.storage], {
    batch,
    M,
    N,
    K,
    transA,
    transB,
    aBatchStride: sharesA ? 0 : M * K,
    bBatchStride: sharesB ? 0 : K * N,
  });
  // A shared operand's gradient comes out batched; autograd sums it back over the batch axes.
  // Each product runs only when its operand needs a gradient (a network's input needs none).
  return record(out, 'matmul', [a, b], (dy) => [
    !a.requiresGrad ? null : transA ? matmul(b, dy, { transA: transB, transB: true }) : matmul(dy, b, { transB: !transB }),
    !b.requiresGrad ? null : transB ? matmul(dy, a, { transA: true, transB: transA }) : matmul(a, dy, { transA: !transA }),
  ]);
}
