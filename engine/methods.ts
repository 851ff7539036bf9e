// PyTorch-style methods on Tensor (x.add(y), x.matmul(w), loss.backward()), each a call of the op function
// of the same name, so `x.relu()` and `relu(x)` are the same thing. The elementwise methods are generated
// from the op tables of ops/elementwise.ts; the others are one line each.
import { Tensor } from './tensor.js';
import { backward, detach } from './autograd.js';
import * as ew from './ops/elementwise.js';
import * as red from './ops/reduce.js';
import * as shp from './ops/shape.js';
import { matmul, type MatmulOptions } from './ops/matmul.js';

type T = ew.TensorLike;
/** x.neg(), x.exp(), ...: one method per row of the unary table (leakyRelu takes its slope). */
type UnaryMethods = { [K in ew.UnaryOp]: K extends 'leakyRelu' ? (negativeSlope?: number) => Tensor : () => Tensor };
/** x.add(y), x.gt(y), ...: one method per public row of the binary table. */
type BinaryMethods = { [K in ew.PublicBinaryOp]: (other: T) => Tensor };

declare module './tensor.js' {
  interface Tensor extends UnaryMethods, BinaryMethods {
    sum(axes?: number | number[], keepDims?: boolean): Tensor;
    mean(axes?: number | number[], keepDims?: boolean): Tensor;
    max(axes?: number | number[], keepDims?: boolean): Tensor;
    min(axes?: number | number[], keepDims?: boolean): Tensor;
    logsumexp(axes?: number | number[], keepDims?: boolean): Tensor;
    softmax(axis?: number): Tensor;
    logSoftmax(axis?: number): Tensor;
    matmul(other: Tensor, options?: MatmulOptions): Tensor;
    reshape(shape: readonly number[]): Tensor;
    flatten(startAxis?: number): Tensor;
    permute(axes: readonly number[]): Tensor;
    transpose(axis0?: number, axis1?: number): Tensor;
    broadcastTo(shape: readonly number[]): Tensor;
    slice(begin: readonly number[], size?: readonly number[]): Tensor;
    gather(indices: Tensor | readonly number[], axis?: number): Tensor;
    unsqueeze(axis: number): Tensor;
    squeeze(axis?: number): Tensor;
    detach(): Tensor;
    backward(seed?: Tensor): void;
  }
}

const p = Tensor.prototype;
const methods = p as unknown as Record<string, (this: Tensor, ...args: unknown[]) => Tensor>;
const functions = ew as unknown as Record<string, (...args: unknown[]) => Tensor>;
for (const op of [...ew.UNARY_OPS, ...ew.BINARY_OPS]) {
  methods[op] = function (...args) {
    return functions[op](this, ...args);
  };
}
p.sum = function (axes, keepDims) { return red.sum(this, axes, keepDims); };
p.mean = function (axes, keepDims) { return red.mean(this, axes, keepDims); };
p.max = function (axes, keepDims) { return red.max(this, axes, keepDims); };
p.min = function (axes, keepDims) { return red.min(this, axes, keepDims); };
p.logsumexp = function (axes, keepDims) { return red.logsumexp(this, axes, keepDims); };
p.softmax = function (axis) { return red.softmax(this, axis); };
p.logSoftmax = function (axis) { return red.logSoftmax(this, axis); };
p.matmul = function (o, options) { return matmul(this, o, options); };
p.reshape = function (shape) { return shp.reshape(this, shape); };
p.flatten = function (startAxis) { return shp.flatten(this, startAxis); };
p.permute = function (axes) { return shp.permute(this, axes); };
p.transpose = function (a0, a1) { return shp.transpose(this, a0, a1); };
p.broadcastTo = function (shape) { return shp.broadcastTo(this, shape); };
p.slice = function (begin, size) { return shp.slice(this, begin, size); };
p.gather = function (indices, axis) { return shp.gather(this, indices, axis); };
p.unsqueeze = function (axis) { return shp.unsqueeze(this, axis); };
p.squeeze = function (axis) { return shp.squeeze(this, axis); };
p.detach = function () { return detach(this); };
p.backward = function (seed) { backward(this, seed); };
