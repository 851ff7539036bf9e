// Elementwise ops: unary functions, binary ops with NumPy broadcasting, comparisons and `where`.
// Each op dispatches one kernel ('unary', 'binary', 'where' or 'fill', declared in backend/contracts.ts);
// its backward rule, written with these same ops, sits right below it. The scalar functions themselves are
// defined in backend/cpu/elementwise.ts (float64) and backend/webgpu/elementwise.ts (WGSL), one table each.
import type { Backend } from '../backend/backend.js';
import type { BinaryOp, UnaryOp } from '../backend/contracts.js';
import { Tensor, fromValues } from '../tensor.js';
import { record } from '../autograd.js';
import { broadcastShapes, broadcastStrides } from './broadcast.js';

export type TensorLike = Tensor | number;

// ---- creation ----------------------------------------------------------------------------------------

export function full(shape: readonly number[], value: number, backend?: Backend): Tensor {
  const out = Tensor.empty(shape, backend);
  out.backend.run('fill', [], [out.storage], { n: out.size, value });
  return out;
}

export const zeros = (shape: readonly number[], backend?: Backend) => full(shape, 0, backend);
export const ones = (shape: readonly number[], backend?: Backend) => full(shape, 1, backend);
export const zerosLike = (t: Tensor) => full(t.shape, 0, t.backend);
export const onesLike = (t: Tensor) => full(t.shape, 1, t.backend);

/** A number becomes a 0-d tensor on the other operand's backend. */
function asTensor(x: TensorLike, like: Tensor): Tensor {
  return x instanceof Tensor ? x : full([], x, like.backend);
}

function sameBackend(op: string, ...tensors: Tensor[]): void {
  const name = tensors[0].backend;
  for (const t of tensors) {
    if (t.backend !== name) throw new Error(`${op}: tensors live on different backends (${tensors.map(String).join(', ')})`);
  }
}

// ---- unary -------------------------------------------------------------------------------------------

function unary(op: UnaryOp, x: Tensor, alpha = 0): Tensor {
  const out = Tensor.empty(x.shape, x.backend);
  x.backend.run('unary', [x.storage], [out.storage], { op, n: x.size, alpha });
  return out;
}

export function neg(x: Tensor): Tensor {
  return record(unary('neg', x), 'neg', [x], (dy) => [neg(dy)]);
}

export function abs(x: Tensor): Tensor {
  return record(unary('abs', x), 'abs', [x], (dy) => [mul(dy, sign(x))]);
}

/** -1, 0 or 1; its gradient is zero almost everywhere, so it records none. */
export function sign(x: Tensor): Tensor {
  return unary('sign', x);
}

export function exp(x: Tensor): Tensor {
  const out = unary('exp', x);
  return record(out, 'exp', [x], (dy) => [mul(dy, out)]);
}

export function log(x: Tensor): Tensor {
  return record(unary('log', x), 'log', [x], (dy) => [div(dy, x)]);
}

export function sqrt(x: Tensor): Tensor {
  const out = unary('sqrt', x);
  return record(out, 'sqrt', [x], (dy) => [div(dy, mul(out, 2))]);
}

export function relu(x: Tensor): Tensor {
  // NOTE: the mask is x > 0, so relu'(0) = 0 as in PyTorch. One fused kernel, dy where x > 0 else 0: the
  // same as mul(dy, gt(x, 0)) in one dispatch instead of three.
  // Backward rules run without recording (autograd.ts), so the fused kernel needs no gradient of its own.
  return record(unary('relu', x), 'relu', [x], (dy) => [binary('reluBackward', dy, x).out]);
}

export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  const out = unary('leakyRelu', x, negativeSlope);
  // dy where x > 0 else negativeSlope * dy, fused as relu's
  return record(out, 'leakyRelu', [x], (dy) => [binary('leakyReluBackward', dy, x, negativeSlope).out]);
}

export function sigmoid(x: Tensor): Tensor {
  const out = unary('sigmoid', x);
  // d sigmoid = s (1 - s)
  return record(out, 'sigmoid', [x], (dy) => [mul(dy, mul(out, sub(1, out)))]);
}

export function tanh(x: Tensor): Tensor {
  const out = unary('tanh', x);
  // d tanh = 1 - t^2
  return record(out, 'tanh', [x], (dy) => [mul(dy, sub(1, mul(out, out)))]);
}

/** log(1 + e^x), computed as max(x, 0) + log(1 + e^-|x|) so it neither overflows nor loses small values. */
export function softplus(x: Tensor): Tensor {
  return record(unary('softplus', x), 'softplus', [x], (dy) => [mul(dy, sigmoid(x))]);
}

// ---- binary ------------------------------------------------------------------------------------------

function binary(op: BinaryOp, aLike: TensorLike, bLike: TensorLike, alpha = 0): { out: Tensor; a: Tensor; b: Tensor } {
  if (!(aLike instanceof Tensor) && !(bLike instanceof Tensor)) throw new Error(`${op}: needs at least one tensor`);
  const like = aLike instanceof Tensor ? aLike : (bLike as Tensor);
  const a = asTensor(aLike, like);
  const b = asTensor(bLike, like);
  sameBackend(op, a, b);
  const shape = broadcastShapes(op, a.shape, b.shape);
  const out = Tensor.empty(shape, a.backend);
  a.backend.run('binary', [a.storage, b.storage], [out.storage], {
    op,
    shape,
    aStrides: broadcastStrides(a.shape, shape),
    bStrides: broadcastStrides(b.shape, shape),
    alpha,
  });
  return { out, a, b };
}

export function add(aLike: TensorLike, bLike: TensorLike): Tensor {
  const { out, a, b } = binary('add', aLike, bLike);
  return record(out, 'add', [a, b], (dy) => [dy, dy]);
}

export function sub(aLike: TensorLike, bLike: TensorLike): Tensor {
  const { out, a, b } = binary('sub', aLike, bLike);
  return record(out, 'sub', [a, b], (dy) => [dy, neg(dy)]);
}

export function mul(aLike: TensorLike, bLike: TensorLike): Tensor {
  const { out, a, b } = binary('mul', aLike, bLike);
  return record(out, 'mul', [a, b], (dy) => [mul(dy, b), mul(dy, a)]);
}

export function div(aLike: TensorLike, bLike: TensorLike): Tensor {
  const { out, a, b } = binary('div', aLike, bLike);
  // d(a/b)/da = 1/b ; d(a/b)/db = -a/b^2 = -out/b
  return record(out, 'div', [a, b], (dy) => [div(dy, b), neg(div(mul(dy, out), b))]);
}

/** a^b; a negative base needs an integer exponent (else NaN), as in PyTorch. */
export function pow(aLike: TensorLike, bLike: TensorLike): Tensor {
  const { out, a, b } = binary('pow', aLike, bLike);
  return record(out, 'pow', [a, b], (dy) => [
    // d/da = b a^(b-1)
    mul(dy, mul(b, pow(a, sub(b, 1)))),
    // d/db = a^b ln a, taken as 0 where a <= 0 (there the exponent's gradient is undefined or zero)
    b.requiresGrad ? mul(dy, where(gt(a, 0), mul(out, log(where(gt(a, 0), a, 1))), 0)) : null,
  ]);
}

/** Elementwise maximum; where a == b the gradient is split evenly, as in PyTorch. */
export function maximum(aLike: TensorLike, bLike: TensorLike): Tensor {
  const { out, a, b } = binary('maximum', aLike, bLike);
  return record(out, 'maximum', [a, b], (dy) => {
    const share = add(gt(a, b), mul(eq(a, b), 0.5)); // 1 where a wins, 0.5 on ties
    return [mul(dy, share), mul(dy, sub(1, share))];
  });
}

export function minimum(aLike: TensorLike, bLike: TensorLike): Tensor {
  const { out, a, b } = binary('minimum', aLike, bLike);
  return record(out, 'minimum', [a, b], (dy) => {
    const share = add(lt(a, b), mul(eq(a, b), 0.5));
    return [mul(dy, share), mul(dy, sub(1, share))];
  });
}

// Comparisons return 1 or 0 and have no gradient.
export const lt = (a: TensorLike, b: TensorLike) => binary('lt', a, b).out;
export const le = (a: TensorLike, b: TensorLike) => binary('le', a, b).out;
export const gt = (a: TensorLike, b: TensorLike) => binary('gt', a, b).out;
export const ge = (a: TensorLike, b: TensorLike) => binary('ge', a, b).out;
export const eq = (a: TensorLike, b: TensorLike) => binary('eq', a, b).out;
export const ne = (a: TensorLike, b: TensorLike) => binary('ne', a, b).out;

/** cond != 0 ? a : b, broadcasting all three. */
export function where(cond: Tensor, aLike: TensorLike, bLike: TensorLike): Tensor {
  const a = asTensor(aLike, cond);
  const b = asTensor(bLike, cond);
  sameBackend('where', cond, a, b);
  const shape = broadcastShapes('where', cond.shape, a.shape, b.shape);
  const out = Tensor.empty(shape, cond.backend);
  cond.backend.run('where', [cond.storage, a.storage, b.storage], [out.storage], {
    shape,
    condStrides: broadcastStrides(cond.shape, shape),
    aStrides: broadcastStrides(a.shape, shape),
    bStrides: broadcastStrides(b.shape, shape),
  });
  return record(out, 'where', [cond, a, b], (dy) => [null, where(cond, dy, 0), where(cond, 0, dy)]);
}

/** Builds a tensor from numbers, nested arrays or a typed array; `shape` is inferred from nesting if omitted. */
export function tensor(data: number | ArrayLike<number> | NestedArray, shape?: readonly number[], backend?: Backend): Tensor {
  if (typeof data === 'number') return fromValues([data], shape ?? [], backend);
  const inferred: number[] = [];
  const flat: number[] | ArrayLike<number> = ArrayBuffer.isView(data) ? (data as ArrayLike<number>) : flatten(data as NestedArray, inferred);
  if (ArrayBuffer.isView(data)) inferred.push(data.length);
  const finalShape = shape ?? inferred;
  return fromValues(flat, finalShape, backend);
}

export type NestedArray = number | NestedArray[];

function flatten(data: NestedArray, shape: number[], depth = 0, out: number[] = []): number[] {
  if (typeof data === 'number') {
    out.push(data);
    return out;
  }
  if (shape.length === depth) shape.push(data.length);
  else if (shape[depth] !== data.length) {
    throw new Error(`tensor: ragged nested array (length ${data.length} where ${shape[depth]} was expected at depth ${depth})`);
  }
  for (const item of data) flatten(item, shape, depth + 1, out);
  return out;
}

