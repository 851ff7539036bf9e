// Reductions over any set of axes, with keepDims: sum and max are kernels; mean, logsumexp, softmax and
// logSoftmax are compositions (their gradients come from the pieces).
// The 'reduce' kernel reduces the middle axis of an (outer, reduced, inner) view, so a run of consecutive
// axes reduces in place, without a copy; axes in several runs reduce one run at a time, the last first.
import { formatShape } from '../shape.js';
import type { ReduceOp } from '../backend/contracts.js';
import { Tensor } from '../tensor.js';
import { record } from '../autograd.js';
import { normaliseAxis } from './broadcast.js';
import { add, div, eq, exp, log, mul, sub } from './elementwise.js';
// shape.ts imports this file too: sum's gradient is a broadcast, and broadcastTo's gradient a sum.
import { broadcastTo, reshape } from './shape.js';

/** Sorted, normalised, de-duplicated axes; undefined means all axes. */
function reductionAxes(op: string, x: Tensor, axes?: number | number[]): number[] {
  if (axes === undefined) return x.shape.map((_, d) => d);
  const list = (Array.isArray(axes) ? axes : [axes]).map((a) => normaliseAxis(op, a, x.rank));
  return [...new Set(list)].sort((a, b) => a - b);
}

function reducedShape(shape: readonly number[], axes: number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/** Runs the kernel over `axes`, one run of consecutive axes at a time; returns the keepDims shape. */
function reduceKernel(op: ReduceOp, x: Tensor, axes: number[], name: string): Tensor {
  if (op === 'max' && axes.some((a) => x.shape[a] === 0)) throw new Error(`${name}: cannot take the max over an empty axis of ${formatShape(x.shape)}`);
  let source = x;
  for (const [first, end] of axisRuns(axes).reverse()) {
    const outShape = source.shape.map((d, i) => (i >= first && i < end ? 1 : d));
    const out = Tensor.empty(outShape, x.backend);
    const size = (from: number, to: number) => source.shape.slice(from, to).reduce((n, d) => n * d, 1);
    x.backend.run('reduce', [source.storage], [out.storage], { op, outer: size(0, first), reduced: size(first, end), inner: size(end, x.rank) });
    if (source !== x) source.dispose();
    source = out;
  }
  return source === x ? x.alias() : source; // no axes: the same values, as a tensor of its own
}

/** Sorted axes as [first, end) runs of consecutive axes: [0, 2, 3] -> [[0, 1], [2, 4]]. */
function axisRuns(axes: number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const a of axes) {
    const last = runs[runs.length - 1];
    if (last && last[1] === a) last[1] = a + 1;
    else runs.push([a, a + 1]);
  }
  return runs;
}

export function sum(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  const list = reductionAxes('sum', x, axes);
  const kept = reduceKernel('sum', x, list, 'sum');
  const keptShape = kept.shape;
  const out = keepDims ? kept : reshapeDropping(kept, x.shape, list);
  return record(out, 'sum', [x], (dy) => [broadcastTo(reshape(dy, keptShape), x.shape)]);
}

export function mean(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  const list = reductionAxes('mean', x, axes);
  const count = list.reduce((n, a) => n * x.shape[a], 1);
  return div(sum(x, list, keepDims), count);
}

/** Max over axes. Where several elements tie for the max, the gradient is shared evenly among them. */
export function max(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  const list = reductionAxes('max', x, axes);
  const kept = reduceKernel('max', x, list, 'max');
  const out = keepDims ? kept : reshapeDropping(kept, x.shape, list);
  const keptShape = kept.shape;
  return record(out, 'max', [x], (dy) => {
    const isMax = eq(x, reshape(out, keptShape)); // broadcasts the keepDims max against x
    const ties = sum(isMax, list, true);
    return [mul(isMax, div(reshape(dy, keptShape), ties))];
  });
}

export function min(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  return mul(max(mul(x, -1), axes, keepDims), -1);
}

/** log(sum(exp(x))) computed as m + log(sum(exp(x - m))) with m = max(x), so it never overflows. */
export function logsumexp(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  const list = reductionAxes('logsumexp', x, axes);
  // NOTE: m is a constant shift (taken without gradient); the gradient of the whole is exact either way.
  const m = reduceKernel('max', x, list, 'logsumexp');
  const shifted = log(sum(exp(sub(x, m)), list, true));
  const lse = add(shifted, m);
  m.dispose();
  return keepDims ? lse : reshape(lse, reducedShape(x.shape, list, false));
}

/** exp(x - logsumexp(x)) along one axis. */
export function softmax(x: Tensor, axis = -1): Tensor {
  return exp(logSoftmax(x, axis));
}

/** x - logsumexp(x) along one axis. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return sub(x, logsumexp(x, normaliseAxis('logSoftmax', axis, x.rank), true));
}

/**
 * Sums a gradient of a broadcast shape back to `shape` (leading axes added by broadcasting, and axes
 * where `shape` has 1). Returns g itself when the shapes already agree.
 */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const offset = g.rank - shape.length;
  if (offset < 0) throw new Error(`sumToShape: gradient ${formatShape(g.shape)} has fewer axes than ${formatShape(shape)}`);
  const axes: number[] = [];
  g.shape.forEach((d, i) => {
    if (i < offset || (shape[i - offset] === 1 && d !== 1)) axes.push(i);
  });
  return reshape(sum(g, axes, true), shape);
}

function reshapeDropping(kept: Tensor, shape: readonly number[], axes: number[]): Tensor {
  const out = reshape(kept, reducedShape(shape, axes, false));
  kept.dispose();
  return out;
}
