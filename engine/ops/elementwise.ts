// Elementwise ops: unary functions, binary ops with NumPy broadcasting, comparisons and `where`.
// Each op dispatches one kernel ('unary', 'binary', 'where' or 'fill', declared in backend/contracts.ts).
// The unary and binary families are declared once, in the two tables below: per op its float64 definition,
// its WGSL expression and its backward rule written with these same ops.
import type { Backend } from '../backend/backend.js';
import type { BinaryFunction, UnaryFunction } from '../backend/contracts.js';
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

// ---- the op tables ------------------------------------------------------------------------------------
// Each elementwise op is one row: its float64 definition (the specification, run by the CPU backend), its
// WGSL expression (the WebGPU backend wraps it in `fn op`), and its backward rule written with these same
// ops. The rows travel to the backends inside the kernel's record, so neither backend imports this file.
// The exported functions and the Tensor methods (methods.ts) are generated from the tables.

/** A unary row: dy is the output's gradient, x the input, out the output; null: no gradient (a step function). */
interface UnaryRow {
  cpu: UnaryFunction['cpu'];
  wgsl: string;
  backward: ((dy: Tensor, x: Tensor, out: Tensor, alpha: number) => Tensor) | null;
}

// The names, as types: the Tensor's methods (methods.ts) are typed from them, and each table must have
// exactly these rows (TypeScript checks both ways).
export type UnaryOp = 'neg' | 'abs' | 'sign' | 'exp' | 'log' | 'sqrt' | 'relu' | 'leakyRelu' | 'sigmoid' | 'tanh' | 'softplus';
export type PublicBinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne';
/** The public ops and the fused backward kernels of relu and leakyRelu. */
export type BinaryOp = PublicBinaryOp | 'reluBackward' | 'leakyReluBackward';

const sigmoidOf = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

const UNARY: Record<UnaryOp, UnaryRow> = {
  neg: { cpu: (x) => -x, wgsl: '-x', backward: (dy) => neg(dy) },
  abs: { cpu: (x) => Math.abs(x), wgsl: 'abs(x)', backward: (dy, x) => mul(dy, sign(x)) },
  /** -1, 0 or 1; its gradient is zero almost everywhere, so it records none */
  sign: { cpu: (x) => Math.sign(x), wgsl: 'sign(x)', backward: null },
  exp: { cpu: (x) => Math.exp(x), wgsl: 'exp(x)', backward: (dy, _x, out) => mul(dy, out) },
  log: { cpu: (x) => Math.log(x), wgsl: 'log(x)', backward: (dy, x) => div(dy, x) },
  sqrt: { cpu: (x) => Math.sqrt(x), wgsl: 'sqrt(x)', backward: (dy, _x, out) => div(dy, mul(out, 2)) },
  // NOTE: the mask is x > 0, so relu'(0) = 0 as in PyTorch. The backward is one fused kernel (dy where x > 0
  // else 0), the same as mul(dy, gt(x, 0)) in one dispatch instead of three; backward rules run without
  // recording (autograd.ts), so the fused kernel needs no gradient of its own.
  relu: { cpu: (x) => (x > 0 ? x : 0), wgsl: 'select(0.0, x, x > 0.0)', backward: (dy, x) => binary('reluBackward', dy, x).out },
  /** alpha is the negative slope; the backward (dy where x > 0 else alpha dy) is fused as relu's */
  leakyRelu: { cpu: (x, alpha) => (x > 0 ? x : alpha * x), wgsl: 'select(alpha * x, x, x > 0.0)', backward: (dy, x, _out, alpha) => binary('leakyReluBackward', dy, x, alpha).out },
  // both branches are evaluated by select; each is finite where it is chosen. d sigmoid = s (1 - s)
  sigmoid: { cpu: sigmoidOf, wgsl: 'select(exp(x) / (1.0 + exp(x)), 1.0 / (1.0 + exp(-x)), x >= 0.0)', backward: (dy, _x, out) => mul(dy, mul(out, sub(1, out))) },
  // tanh(+-15) is +-1 in float32; clamping keeps e^2x from overflowing in some implementations. d tanh = 1 - t^2
  tanh: { cpu: (x) => Math.tanh(x), wgsl: 'tanh(clamp(x, -15.0, 15.0))', backward: (dy, _x, out) => mul(dy, sub(1, mul(out, out))) },
  /** log(1 + e^x), computed as max(x, 0) + log(1 + e^-|x|) so it neither overflows nor loses small values */
  softplus: { cpu: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), wgsl: 'max(x, 0.0) + log(1.0 + exp(-abs(x)))', backward: (dy, x) => mul(dy, sigmoid(x)) },
};

export const UNARY_OPS = Object.keys(UNARY) as UnaryOp[];

/** A binary row: dy, the operands and the output -> the operands' gradients (null: none); null: no gradient at all. */
interface BinaryRow {
  cpu: BinaryFunction['cpu'];
  wgsl: string;
  wgslHelpers?: string;
  backward: ((dy: Tensor, a: Tensor, b: Tensor, out: Tensor) => (Tensor | null)[]) | null;
  /** a fused backward kernel, not exported as an op */
  internal?: boolean;
}

// WGSL's pow is exp2(b log2 a): undefined for a < 0 and NaN for 0^0. This follows Math.pow instead.
// (NaN comes from a private variable: a NaN constant expression is a shader-creation error.)
const POW_SIGNED = `
var<private> nan_bits: u32 = 0x7fc00000u;
fn pow_signed(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (a >= 0.0) { return pow(a, b); }
  if (b != floor(b)) { return bitcast<f32>(nan_bits); }
  let magnitude = pow(-a, b);
  return select(magnitude, -magnitude, abs(b % 2.0) == 1.0);
}
`;

/** The share of the gradient a maximum's (or minimum's) first operand gets: 1 where it wins, 0.5 on ties, as in PyTorch. */
const firstShare = (wins: Tensor, a: Tensor, b: Tensor) => add(wins, mul(eq(a, b), 0.5));

const BINARY: Record<BinaryOp, BinaryRow> = {
  add: { cpu: (a, b) => a + b, wgsl: 'a + b', backward: (dy) => [dy, dy] },
  sub: { cpu: (a, b) => a - b, wgsl: 'a - b', backward: (dy) => [dy, neg(dy)] },
  mul: { cpu: (a, b) => a * b, wgsl: 'a * b', backward: (dy, a, b) => [mul(dy, b), mul(dy, a)] },
  // d(a/b)/da = 1/b ; d(a/b)/db = -a/b^2 = -out/b
  div: { cpu: (a, b) => a / b, wgsl: 'a / b', backward: (dy, _a, b, out) => [div(dy, b), neg(div(mul(dy, out), b))] },
  /** a^b; a negative base needs an integer exponent (else NaN), as in PyTorch */
  pow: {
    cpu: (a, b) => Math.pow(a, b),
    wgsl: 'pow_signed(a, b)',
    wgslHelpers: POW_SIGNED,
    backward: (dy, a, b, out) => [
      // d/da = b a^(b-1)
      mul(dy, mul(b, pow(a, sub(b, 1)))),
      // d/db = a^b ln a, taken as 0 where a <= 0 (there the exponent's gradient is undefined or zero)
      b.requiresGrad ? mul(dy, where(gt(a, 0), mul(out, log(where(gt(a, 0), a, 1))), 0)) : null,
    ],
  },
  maximum: { cpu: (a, b) => Math.max(a, b), wgsl: 'max(a, b)', backward: (dy, a, b) => { const s = firstShare(gt(a, b), a, b); return [mul(dy, s), mul(dy, sub(1, s))]; } },
  minimum: { cpu: (a, b) => Math.min(a, b), wgsl: 'min(a, b)', backward: (dy, a, b) => { const s = firstShare(lt(a, b), a, b); return [mul(dy, s), mul(dy, sub(1, s))]; } },
  // comparisons return 1 or 0 and have no gradient
  lt: { cpu: (a, b) => Number(a < b), wgsl: 'f32(a < b)', backward: null },
  le: { cpu: (a, b) => Number(a <= b), wgsl: 'f32(a <= b)', backward: null },
  gt: { cpu: (a, b) => Number(a > b), wgsl: 'f32(a > b)', backward: null },
  ge: { cpu: (a, b) => Number(a >= b), wgsl: 'f32(a >= b)', backward: null },
  eq: { cpu: (a, b) => Number(a === b), wgsl: 'f32(a == b)', backward: null },
  ne: { cpu: (a, b) => Number(a !== b), wgsl: 'f32(a != b)', backward: null },
  // the fused backward kernels of relu and leakyRelu: a is the output's gradient, b the activation's input
  reluBackward: { cpu: (a, b) => (b > 0 ? a : 0), wgsl: 'select(0.0, a, b > 0.0)', backward: null, internal: true },
  leakyReluBackward: { cpu: (a, b, alpha) => (b > 0 ? a : alpha * a), wgsl: 'select(alpha * a, a, b > 0.0)', backward: null, internal: true },
};

/** The binary ops exported as functions and Tensor methods (the fused backward kernels are not). */
export const BINARY_OPS = (Object.keys(BINARY) as BinaryOp[]).filter((op) => !BINARY[op].internal) as PublicBinaryOp[];

const unaryFunctions = Object.fromEntries(
  Object.entries(UNARY).map(([name, row]) => [name, { name, cpu: row.cpu, wgsl: row.wgsl }]),
) as Record<UnaryOp, UnaryFunction>;
const binaryFunctions = Object.fromEntries(
  Object.entries(BINARY).map(([name, row]) => [name, { name, cpu: row.cpu, wgsl: row.wgsl, wgslHelpers: row.wgslHelpers }]),
) as Record<BinaryOp, BinaryFunction>;

// ---- dispatch and the generated functions -------------------------------------------------------------

function unaryKernel(op: UnaryOp, x: Tensor, alpha = 0): Tensor {
  const out = Tensor.empty(x.shape, x.backend);
  x.backend.run('unary', [x.storage], [out.storage], { op: unaryFunctions[op], n: x.size, alpha });
  return out;
}

/** Runs a unary op and records its backward rule (when it has one). */
function unary(op: UnaryOp, x: Tensor, alpha = 0): Tensor {
  const out = unaryKernel(op, x, alpha);
  const backward = UNARY[op].backward;
  return backward ? record(out, op, [x], (dy) => [backward(dy, x, out, alpha)]) : out;
}

function binary(op: BinaryOp, aLike: TensorLike, bLike: TensorLike, alpha = 0): { out: Tensor; a: Tensor; b: Tensor } {
  if (!(aLike instanceof Tensor) && !(bLike instanceof Tensor)) throw new Error(`${op}: needs at least one tensor`);
  const like = aLike instanceof Tensor ? aLike : (bLike as Tensor);
  const a = asTensor(aLike, like);
  const b = asTensor(bLike, like);
  sameBackend(op, a, b);
  const shape = broadcastShapes(op, a.shape, b.shape);
  const out = Tensor.empty(shape, a.backend);
  a.backend.run('binary', [a.storage, b.storage], [out.storage], {
    op: binaryFunctions[op],
    shape,
    aStrides: broadcastStrides(a.shape, shape),
    bStrides: broadcastStrides(b.shape, shape),
    alpha,
  });
  return { out, a, b };
}

/** Runs a binary op with NumPy broadcasting and records its backward rule (when it has one). */
function binaryOp(op: PublicBinaryOp, aLike: TensorLike, bLike: TensorLike): Tensor {
  const { out, a, b } = binary(op, aLike, bLike);
  const backward = BINARY[op].backward;
  return backward ? record(out, op, [a, b], (dy) => backward(dy, a, b, out)) : out;
}

// (typed by name-independent records, so the backward rules above may call the functions they define)
const unaryOps: Record<string, (x: Tensor) => Tensor> = Object.fromEntries(UNARY_OPS.map((op) => [op, (x: Tensor) => unary(op, x)]));
const binaryOps: Record<string, (a: TensorLike, b: TensorLike) => Tensor> = Object.fromEntries(
  BINARY_OPS.map((op) => [op, (a: TensorLike, b: TensorLike) => binaryOp(op, a, b)]),
);

export const { neg, abs, sign, exp, log, sqrt, relu, sigmoid, tanh, softplus } = unaryOps;
export const { add, sub, mul, div, pow, maximum, minimum, lt, le, gt, ge, eq, ne } = binaryOps;

/** max(x, 0) + negativeSlope * min(x, 0): the one unary op with a parameter. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return unary('leakyRelu', x, negativeSlope);
}

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

