// CPU elementwise kernels: the scalar definition of every unary and binary op, in float64.
import type { BinaryOp, UnaryOp } from '../contracts.js';
import { registerCpuKernel, stridedOffset } from './registry.js';

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

export const unaryFunctions: Record<UnaryOp, (x: number, alpha: number) => number> = {
  neg: (x) => -x,
  abs: (x) => Math.abs(x),
  sign: (x) => Math.sign(x),
  exp: (x) => Math.exp(x),
  log: (x) => Math.log(x),
  sqrt: (x) => Math.sqrt(x),
  relu: (x) => (x > 0 ? x : 0),
  leakyRelu: (x, alpha) => (x > 0 ? x : alpha * x),
  sigmoid,
  tanh: (x) => Math.tanh(x),
  softplus: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
};

export const binaryFunctions: Record<BinaryOp, (a: number, b: number, alpha: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => Math.pow(a, b),
  maximum: (a, b) => Math.max(a, b),
  minimum: (a, b) => Math.min(a, b),
  lt: (a, b) => Number(a < b),
  le: (a, b) => Number(a <= b),
  gt: (a, b) => Number(a > b),
  ge: (a, b) => Number(a >= b),
  eq: (a, b) => Number(a === b),
  ne: (a, b) => Number(a !== b),
  // a is the output's gradient, b the activation's input
  reluBackward: (a, b) => (b > 0 ? a : 0),
  leakyReluBackward: (a, b, alpha) => (b > 0 ? a : alpha * a),
};

registerCpuKernel('fill', (_, [out], { n, value }) => {
  out.fill(value, 0, n);
});

registerCpuKernel('unary', ([x], [out], { op, n, alpha }) => {
  const f = unaryFunctions[op];
  for (let i = 0; i < n; i++) out[i] = f(x[i], alpha);
});

registerCpuKernel('binary', ([a, b], [out], { op, shape, aStrides, bStrides, alpha }) => {
  const f = binaryFunctions[op];
  for (let i = 0; i < out.length; i++) {
    out[i] = f(a[stridedOffset(i, shape, aStrides)], b[stridedOffset(i, shape, bStrides)], alpha ?? 0);
  }
});

registerCpuKernel('where', ([cond, a, b], [out], { shape, condStrides, aStrides, bStrides }) => {
  for (let i = 0; i < out.length; i++) {
    const c = cond[stridedOffset(i, shape, condStrides)];
    out[i] = c !== 0 ? a[stridedOffset(i, shape, aStrides)] : b[stridedOffset(i, shape, bStrides)];
  }
});
