// Batch normalisation (Ioffe & Szegedy, 2015) as PyTorch's BatchNorm1d / BatchNorm2d. Per channel c
// (axis 1), over every other axis (batch and spatial, n values):
//   training:  mean, var = batch mean and biased batch variance
//              running_mean = (1 - momentum) running_mean + momentum mean
//              running_var  = (1 - momentum) running_var  + momentum var * n / (n - 1)   (unbiased)
//   eval:      mean, var = running_mean, running_var
//   y = (x - mean) / sqrt(var + eps) * weight + bias
// The forward is composed of ops (gradients flow through the batch statistics); the running statistics
// are buffers updated in place without gradient. (PyTorch's num_batches_tracked is not kept: it only
// matters for momentum = None, which is not offered.)
import { formatShape } from '../shape.js';
import { Tensor, tidy } from '../tensor.js';
import { noGrad } from '../autograd.js';
import { add, div, mul, ones, sqrt, sub, zeros } from '../ops/elementwise.js';
import { mean } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';
import { assign } from '../ops/assign.js';
import { Module } from './module.js';
import { checkPositiveIntegers } from './init.js';

export interface BatchNormOptions {
  eps?: number;
  momentum?: number;
  /** learn a per-channel scale (weight) and shift (bias); default true */
  affine?: boolean;
}

abstract class BatchNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  readonly eps: number;
  readonly momentum: number;

  protected constructor(
    private readonly kind: string,
    /** the input ranks this kind accepts, e.g. [2, 3] for (B, C) and (B, C, L) */
    private readonly ranks: number[],
    readonly numFeatures: number,
    { eps = 1e-5, momentum = 0.1, affine = true }: BatchNormOptions,
  ) {
    super();
    checkPositiveIntegers(kind, { numFeatures });
    if (!(eps > 0) || !(momentum >= 0 && momentum <= 1)) throw new Error(`${kind}: eps = ${eps} must be > 0 and momentum = ${momentum} in [0, 1]`);
    this.eps = eps;
    this.momentum = momentum;
    this.weight = affine ? this.param('weight', ones([numFeatures])) : null;
    this.bias = affine ? this.param('bias', zeros([numFeatures])) : null;
    this.runningMean = this.buffer('running_mean', zeros([numFeatures]));
    this.runningVar = this.buffer('running_var', ones([numFeatures]));
  }

  forward(x: Tensor): Tensor {
    if (!this.ranks.includes(x.rank) || x.shape[1] !== this.numFeatures) {
      const expected = this.ranks.map((r) => `rank ${r}`).join(' or ');
      throw new Error(`${this.describe()}: input ${formatShape(x.shape)} must have ${expected} with ${this.numFeatures} channels on axis 1`);
    }
    const axes = x.shape.map((_, d) => d).filter((d) => d !== 1);
    const statShape = x.shape.map((size, d) => (d === 1 ? size : 1)); // (1, C, 1, ...)
    const asStat = (t: Tensor) => reshape(t, statShape);
    let batchMean: Tensor;
    let batchVar: Tensor;
    if (this.training) {
      const n = x.size / this.numFeatures;
      if (n < 2) throw new Error(`${this.describe()}: training needs more than 1 value per channel, got input ${formatShape(x.shape)}`);
      batchMean = mean(x, axes, true);
      const centered = sub(x, batchMean);
      batchVar = mean(mul(centered, centered), axes, true);
      this.updateRunningStats(batchMean, batchVar, n);
    } else {
      batchMean = asStat(this.runningMean);
      batchVar = asStat(this.runningVar);
    }
    const normalised = div(sub(x, batchMean), sqrt(add(batchVar, this.eps)));
    if (!this.weight || !this.bias) return normalised;
    return add(mul(normalised, asStat(this.weight)), asStat(this.bias));
  }

  /** running = (1 - momentum) running + momentum * batch, the variance made unbiased by n / (n - 1). */
  private updateRunningStats(batchMean: Tensor, batchVar: Tensor, n: number): void {
    const m = this.momentum;
    noGrad(() =>
      tidy(() => {
        const C = [this.numFeatures];
        assign(this.runningMean, add(mul(this.runningMean, 1 - m), mul(reshape(batchMean, C), m)));
        assign(this.runningVar, add(mul(this.runningVar, 1 - m), mul(reshape(batchVar, C), (m * n) / (n - 1))));
      }),
    );
  }

  describe(): string {
    return `${this.kind}(${this.numFeatures}${this.weight ? '' : ', no affine'})`;
  }
}

/** Normalises (B, C) or (B, C, L) inputs per channel C. */
export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super('BatchNorm1d', [2, 3], numFeatures, options);
  }
}

/** Normalises (B, C, H, W) inputs per channel C. */
export class BatchNorm2d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super('BatchNorm2d', [4], numFeatures, options);
  }
}
