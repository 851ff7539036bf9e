// Basic layers: Linear, the activation functions and the reshaping layers Flatten / Unflatten.
// Each forward is a composition of engine ops, so gradients come from autograd.
import { formatShape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add, leakyRelu, relu, sigmoid, tanh } from '../ops/elementwise.js';
import { matmul } from '../ops/matmul.js';
import { reshape } from '../ops/shape.js';
import { normaliseAxis } from '../ops/broadcast.js';
import { Module } from './module.js';
import { checkPositiveIntegers, defaultInitBound, uniformInit } from './init.js';

/** y (..., out) = x (..., in) W^T + b, with W (out, in) and b (out) as in PyTorch. */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    { bias = true }: { bias?: boolean } = {},
  ) {
    super();
    checkPositiveIntegers('Linear', { inFeatures, outFeatures });
    const bound = defaultInitBound(inFeatures);
    this.weight = this.param('weight', uniformInit([outFeatures, inFeatures], bound));
    this.bias = bias ? this.param('bias', uniformInit([outFeatures], bound)) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.inFeatures) {
      throw new Error(`${this.describe()}: input ${formatShape(x.shape)} needs a last axis of ${this.inFeatures}`);
    }
    if (x.rank === 1) return reshape(this.forward(reshape(x, [1, this.inFeatures])), [this.outFeatures]);
    const y = matmul(x, this.weight, { transB: true });
    return this.bias ? add(y, this.bias) : y;
  }

  describe(): string {
    return `Linear(${this.inFeatures} -> ${this.outFeatures}${this.bias ? '' : ', no bias'})`;
  }
}

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** max(x, 0) + negativeSlope * min(x, 0); PyTorch's default slope is 0.01 (CycleGAN's critics use 0.2). */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }

  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  describe(): string {
    return `LeakyReLU(${this.negativeSlope})`;
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** Merges axes startAxis..endAxis (inclusive) into one: (B, C, H, W) -> (B, C*H*W) by default. */
export class Flatten extends Module {
  constructor(
    readonly startAxis = 1,
    readonly endAxis = -1,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    const start = normaliseAxis('Flatten', this.startAxis, x.rank);
    const end = normaliseAxis('Flatten', this.endAxis, x.rank);
    if (end < start) throw new Error(`Flatten: end axis ${this.endAxis} comes before start axis ${this.startAxis} in ${formatShape(x.shape)}`);
    const merged = sizeOf(x.shape.slice(start, end + 1));
    return reshape(x, [...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]);
  }

  describe(): string {
    return `Flatten(${this.startAxis}, ${this.endAxis})`;
  }
}

/** Splits one axis into `sizes`: Unflatten(1, [C, H, W]) turns (B, C*H*W) into (B, C, H, W). */
export class Unflatten extends Module {
  constructor(
    readonly axis: number,
    readonly sizes: readonly number[],
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    const a = normaliseAxis('Unflatten', this.axis, x.rank);
    if (sizeOf(this.sizes) !== x.shape[a]) {
      throw new Error(`Unflatten: axis ${this.axis} of ${formatShape(x.shape)} has ${x.shape[a]} elements, not ${formatShape(this.sizes)}`);
    }
    return reshape(x, [...x.shape.slice(0, a), ...this.sizes, ...x.shape.slice(a + 1)]);
  }

  describe(): string {
    return `Unflatten(${this.axis}, ${formatShape(this.sizes)})`;
  }
}
