// Shape ops. reshape is free (it shares storage); permute, slice, broadcastTo and concat move data with
// one strided 'copy' kernel; gather selects slices along an axis by index, and its backward sums the
// gradient back into the selected slices ('gatherBackward').
import { formatShape, sizeOf, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { record } from '../autograd.js';
import { broadcastStrides, normaliseAxis } from './broadcast.js';
import { zeros } from './elementwise.js';
// reduce.ts imports this file too: broadcastTo's gradient is a sum, and sum's gradient a broadcast.
import { sumToShape } from './reduce.js';

function copy(x: Tensor, out: Tensor, params: { shape: number[]; inOffset: number; inStrides: number[]; outOffset: number; outStrides: number[] }): void {
  x.backend.run('copy', [x.storage], [out.storage], params);
}

/** Same data, new shape (one axis may be -1, inferred). Shares storage: no kernel runs. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const inferred = [...shape];
  const unknown = inferred.indexOf(-1);
  if (unknown >= 0) {
    const known = sizeOf(inferred.filter((_, i) => i !== unknown));
    inferred[unknown] = known === 0 ? 0 : x.size / known;
  }
  if (sizeOf(inferred) !== x.size || inferred.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}`);
  }
  return record(x.alias(inferred), 'reshape', [x], (dy) => [reshape(dy, x.shape)]);
}

export function flatten(x: Tensor, startAxis = 1): Tensor {
  const start = normaliseAxis('flatten', startAxis, x.rank);
  return reshape(x, [...x.shape.slice(0, start), sizeOf(x.shape.slice(start))]);
}

export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normaliseAxis('unsqueeze', axis < 0 ? axis + 1 : axis, x.rank + 1);
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const a = normaliseAxis('squeeze', axis, x.rank);
  if (x.shape[a] !== 1) throw new Error(`squeeze: axis ${axis} of ${formatShape(x.shape)} has size ${x.shape[a]}, not 1`);
  return reshape(x, x.shape.filter((_, i) => i !== a));
}

/** out.shape[i] = x.shape[axes[i]]. */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  const perm = axes.map((a) => normaliseAxis('permute', a, x.rank));
  if (perm.length !== x.rank || new Set(perm).size !== x.rank) {
    throw new Error(`permute: [${axes.join(', ')}] is not a permutation of the ${x.rank} axes of ${formatShape(x.shape)}`);
  }
  const shape = perm.map((a) => x.shape[a]);
  const out = Tensor.empty(shape, x.backend);
  const strides = x.strides;
  copy(x, out, { shape, inOffset: 0, inStrides: perm.map((a) => strides[a]), outOffset: 0, outStrides: stridesOf(shape) });
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return record(out, 'permute', [x], (dy) => [permute(dy, inverse)]);
}

/** Swaps two axes (by default the last two, a matrix transpose). */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  const a = normaliseAxis('transpose', axis0, x.rank);
  const b = normaliseAxis('transpose', axis1, x.rank);
  const perm = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, perm);
}

/** Repeats x along broadcast axes to `shape` (NumPy rules). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  const target = [...shape];
  const compatible =
    target.length >= x.rank && x.shape.every((d, i) => d === 1 || d === target[target.length - x.rank + i]);
  if (!compatible) throw new Error(`broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
  const out = Tensor.empty(target, x.backend);
  copy(x, out, {
    shape: target,
    inOffset: 0,
    inStrides: broadcastStrides(x.shape, target),
    outOffset: 0,
    outStrides: stridesOf(target),
  });
  return record(out, 'broadcastTo', [x], (dy) => [sumToShape(dy, x.shape)]);
}

/**
 * The block of x starting at `begin` with extent `size` (-1: to the end of that axis), as in tf.slice.
 * Its gradient is zeros with the block filled in.
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  if (begin.length !== x.rank || (size && size.length !== x.rank)) {
    throw new Error(`slice: begin [${begin}] and size [${size ?? ''}] need one entry per axis of ${formatShape(x.shape)}`);
  }
  const extent = x.shape.map((d, i) => (size === undefined || size[i] === -1 ? d - begin[i] : size[i]));
  x.shape.forEach((d, i) => {
    if (begin[i] < 0 || extent[i] < 0 || begin[i] + extent[i] > d) {
      throw new Error(`slice: begin [${begin}] size [${extent}] is outside ${formatShape(x.shape)}`);
    }
  });
  const strides = x.strides;
  const offset = begin.reduce((o, b, i) => o + b * strides[i], 0);
  const out = Tensor.empty(extent, x.backend);
  copy(x, out, { shape: extent, inOffset: offset, inStrides: strides, outOffset: 0, outStrides: stridesOf(extent) });
  return record(out, 'slice', [x], (dy) => {
    const dx = zeros(x.shape, x.backend);
    copy(dy, dx, { shape: extent, inOffset: 0, inStrides: stridesOf(extent), outOffset: offset, outStrides: strides });
    return [dx];
  });
}

/** Joins tensors along an existing axis; all other axes must agree. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new Error('concat: needs at least one tensor');
  const first = tensors[0];
  const a = normaliseAxis('concat', axis, first.rank);
  for (const t of tensors) {
    const agrees = t.rank === first.rank && t.shape.every((d, i) => i === a || d === first.shape[i]);
    if (!agrees || t.backend !== first.backend) {
      throw new Error(`concat: shapes ${tensors.map((x) => formatShape(x.shape)).join(', ')} differ off axis ${axis}`);
    }
  }
  const shape = [...first.shape];
  shape[a] = tensors.reduce((n, t) => n + t.shape[a], 0);
  const out = Tensor.empty(shape, first.backend);
  const outStrides = stridesOf(shape);
  const starts: number[] = [];
  let start = 0;
  for (const t of tensors) {
    starts.push(start);
    copy(t, out, { shape: [...t.shape], inOffset: 0, inStrides: t.strides, outOffset: start * outStrides[a], outStrides });
    start += t.shape[a];
  }
  return record(out, 'concat', [...tensors], (dy) =>
    tensors.map((t, k) => slice(dy, shape.map((_, i) => (i === a ? starts[k] : 0)), [...t.shape])),
  );
}

/**
 * Selects slices of x along `axis` by index, as tf.gather / torch.index_select:
 * out.shape = x.shape with shape[axis] replaced by indices.length.
 * Host indices are checked against the axis; an out-of-range index in an index *tensor* reads 0.
 */
export function gather(x: Tensor, indices: Tensor | readonly number[] | Int32Array | Uint8Array, axis = 0): Tensor {
  const a = normaliseAxis('gather', axis, x.rank);
  const axisSize = x.shape[a];
  let index: Tensor;
  if (indices instanceof Tensor) {
    if (indices.rank !== 1) throw new Error(`gather: indices must be 1-D, got ${formatShape(indices.shape)}`);
    index = indices;
  } else {
    const bad = Array.from(indices).find((i) => !Number.isInteger(i) || i < 0 || i >= axisSize);
    if (bad !== undefined) throw new Error(`gather: index ${bad} is out of range for axis ${axis} of size ${axisSize}`);
    index = Tensor.empty([indices.length], x.backend);
    x.backend.write(index.storage, Array.from(indices));
  }
  const outer = sizeOf(x.shape.slice(0, a));
  const inner = sizeOf(x.shape.slice(a + 1));
  const count = index.size;
  const params = { outer, axisSize, count, inner };
  const shape = [...x.shape];
  shape[a] = count;
  const out = Tensor.empty(shape, x.backend);
  x.backend.run('gather', [x.storage, index.storage], [out.storage], params);
  return record(out, 'gather', [x], (dy) => {
    const dx = Tensor.empty(x.shape, x.backend);
    x.backend.run('gatherBackward', [dy.storage, index.storage], [dx.storage], params);
    return [dx];
  });
}
