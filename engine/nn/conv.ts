// Convolution and pooling layers (NCHW), thin wrappers of the ops in engine/ops/conv.ts that own their
// weights. Initialisation as PyTorch: weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)), where fan_in is
// computed from the weight's axis 1 times the kernel area: C_in kH kW for Conv2d, and C_out kH kW for
// ConvTranspose2d, whose weight is (C_in, C_out, kH, kW).
import { Tensor } from '../tensor.js';
import {
  avgPool2d,
  conv2d,
  convTranspose2d,
  maxPool2d,
  upsample2d,
  type Conv2dOptions,
  type ConvTranspose2dOptions,
  type Pair,
  type Pool2dOptions,
  type Upsample2dOptions,
} from '../ops/conv.js';
import { pair } from '../ops/window.js';
import { Module } from './module.js';
import { checkPositiveIntegers, defaultInitBound, uniformInit } from './init.js';

function formatPair(value: Pair | undefined, fallback: number): string {
  const [a, b] = pair(value ?? fallback);
  return a === b ? String(a) : `${a}x${b}`;
}

/**
 * What Conv2d and ConvTranspose2d share: a weight whose first two axes are `weightChannels` (its axis 1 sets
 * the initialisation's fan_in), kH x kW last; an optional bias over the output channels; the description.
 */
abstract class ConvLayer<Options extends Conv2dOptions> extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    private readonly layer: string,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: Pair,
    readonly options: Options & { bias?: boolean },
    weightChannels: [number, number],
  ) {
    super();
    const [kH, kW] = pair(kernelSize);
    checkPositiveIntegers(layer, { inChannels, outChannels, kH, kW });
    const bound = defaultInitBound(weightChannels[1] * kH * kW);
    this.weight = this.param('weight', uniformInit([...weightChannels, kH, kW], bound));
    this.bias = options.bias === false ? null : this.param('bias', uniformInit([outChannels], bound));
  }

  describe(): string {
    const { stride, padding } = this.options;
    return `${this.layer}(${this.inChannels} -> ${this.outChannels}, k ${formatPair(this.kernelSize, 1)}, s ${formatPair(stride, 1)}, p ${formatPair(padding, 0)})`;
  }
}

/** y (B, C_out, H', W') = conv2d(x (B, C_in, H, W), weight (C_out, C_in, kH, kW)) + bias (C_out). */
export class Conv2d extends ConvLayer<Conv2dOptions> {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: Conv2dOptions & { bias?: boolean } = {}) {
    super('Conv2d', inChannels, outChannels, kernelSize, options, [outChannels, inChannels]);
  }

  forward(x: Tensor): Tensor {
    const { stride, padding, dilation } = this.options;
    return conv2d(x, this.weight, this.bias, { stride, padding, dilation });
  }
}

/**
 * The transpose of Conv2d (the gradient of conv2d with respect to its input), used to upsample:
 * x (B, C_in, H, W), weight (C_in, C_out, kH, kW) -> (B, C_out, (H-1)s - 2p + d(kH-1) + outputPadding + 1, ...).
 */
export class ConvTranspose2d extends ConvLayer<ConvTranspose2dOptions> {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: ConvTranspose2dOptions & { bias?: boolean } = {}) {
    super('ConvTranspose2d', inChannels, outChannels, kernelSize, options, [inChannels, outChannels]);
  }

  forward(x: Tensor): Tensor {
    const { stride, padding, outputPadding, dilation } = this.options;
    return convTranspose2d(x, this.weight, this.bias, { stride, padding, outputPadding, dilation });
  }
}

/** Max over kH x kW windows (stride defaults to the kernel). */
export class MaxPool2d extends Module {
  constructor(readonly options: Pool2dOptions) {
    super();
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.options);
  }

  describe(): string {
    const { kernel, stride, padding } = this.options;
    return `MaxPool2d(k ${formatPair(kernel, 1)}, s ${formatPair(stride ?? kernel, 1)}, p ${formatPair(padding, 0)})`;
  }
}

/** Mean over kH x kW windows, padding counted as zeros (PyTorch's default). */
export class AvgPool2d extends Module {
  constructor(readonly options: Pool2dOptions) {
    super();
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.options);
  }

  describe(): string {
    return `AvgPool2d(k ${formatPair(this.options.kernel, 1)})`;
  }
}

/** Integer-factor upsampling, 'nearest' or 'bilinear' (align_corners = false). */
export class Upsample extends Module {
  constructor(readonly options: Upsample2dOptions = {}) {
    super();
  }

  forward(x: Tensor): Tensor {
    return upsample2d(x, this.options);
  }

  describe(): string {
    return `Upsample(x${this.options.scale ?? 2}, ${this.options.mode ?? 'nearest'})`;
  }
}
