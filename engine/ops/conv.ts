// 2-D convolution and transposed convolution, NCHW, with PyTorch's definitions, weight layouts and output
// sizes. Three kernels serve both ops, because each op's input gradient is the other op:
//   conv2d            x (B, C_in, H, W) * w (C_out, C_in, kH, kW) -> y (B, C_out, outH, outW)
//                     y[b, co, oy, ox] = bias[co] + sum_{ci, ky, kx} x[b, ci, oy*s - p + ky*d, ox*s - p + kx*d] w[co, ci, ky, kx]
//   convTranspose2d   the adjoint of conv2d in x: dy (B, C_out, outH, outW), w -> dx (B, C_in, H, W)
//   conv2dWeightGrad  x, dy -> dw (C_out, C_in, kH, kW) = sum_{b, oy, ox} dy[b, co, oy, ox] x[b, ci, oy*s - p + ky*d, ...]
// Every kernel takes one ConvGeometry (backend/contracts.ts) written in conv2d's terms (x is the "input"
// side, y the "output" side), so the transposed op uses the same record with the roles of the two sides
// swapped. This file builds and checks it. Bias gradients are sums of dy over (B, H, W), composed with sum.
import { formatShape } from '../shape.js';
import type { ConvGeometry } from '../backend/contracts.js';
import { Tensor } from '../tensor.js';
import { record } from '../autograd.js';
import { sum } from './reduce.js';
import { convOutputSize, pair, type Pair } from './window.js';

// The pooling and upsampling ops belong to the same family; they are exported through this file.
export * from './pool.js';
export { convOutputSize, type Pair } from './window.js';

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

export interface ConvTranspose2dOptions extends Conv2dOptions {
  /** extra rows/columns added at the bottom/right of the output (less than stride or dilation) */
  outputPadding?: Pair;
}

// ---- option and shape checks ----------------------------------------------------------------------

/** "x [..] and w [..] (stride .., padding .., ...)": the context every error message of an op starts with. */
function describeCall(x: Tensor, w: Tensor, options: object): string {
  const opts = Object.entries(options)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? `[${v.join(', ')}]` : v}`)
    .join(', ');
  return `x ${formatShape(x.shape)} and w ${formatShape(w.shape)} (${opts})`;
}

/** Checks that every entry of the named option pair is an integer >= min. */
function checkPair(fail: (why: string) => never, name: string, value: [number, number], min: number): void {
  if (value.length !== 2 || value.some((v) => !Number.isInteger(v) || v < min)) {
    fail(`${name} must be integers >= ${min}, got [${value.join(', ')}]`);
  }
}

function checkOperands(fail: (why: string) => never, x: Tensor, w: Tensor, bias: Tensor | null | undefined): void {
  if (x.rank !== 4) fail('x must be (B, C, H, W)');
  if (w.rank !== 4) fail('w must have 4 axes');
  if (x.backend !== w.backend || (bias && bias.backend !== x.backend)) fail('operands live on different backends');
}

/** (size-1)s - 2p + d(k-1) + outputPadding + 1, PyTorch's conv_transpose2d output size. */
export function convTransposeOutputSize(size: number, kernel: number, stride: number, padding: number, dilation: number, outputPadding: number): number {
  return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;
}

/** Validates conv2d's operands and options (throwing before any kernel runs) and returns its geometry. */
export function conv2dGeometry(x: Tensor, w: Tensor, bias: Tensor | null | undefined, options: Conv2dOptions = {}): ConvGeometry {
  const stride = pair(options.stride ?? 1);
  const padding = pair(options.padding ?? 0);
  const dilation = pair(options.dilation ?? 1);
  const fail = (why: string): never => {
    throw new Error(`conv2d: ${describeCall(x, w, { stride, padding, dilation })}: ${why}`);
  };
  checkOperands(fail, x, w, bias);
  checkPair(fail, 'stride', stride, 1);
  checkPair(fail, 'padding', padding, 0);
  checkPair(fail, 'dilation', dilation, 1);
  const [batch, inChannels, inH, inW] = x.shape;
  const [outChannels, wInChannels, kernelH, kernelW] = w.shape;
  if (wInChannels !== inChannels) fail(`x has ${inChannels} channels but w expects ${wInChannels}`);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== outChannels)) fail(`bias ${formatShape(bias.shape)} must be [${outChannels}]`);
  const extentH = dilation[0] * (kernelH - 1) + 1;
  const extentW = dilation[1] * (kernelW - 1) + 1;
  if (extentH > inH + 2 * padding[0] || extentW > inW + 2 * padding[1]) {
    fail(`the (dilated) kernel ${extentH}x${extentW} is larger than the padded input ${inH + 2 * padding[0]}x${inW + 2 * padding[1]}`);
  }
  const outH = convOutputSize(inH, kernelH, stride[0], padding[0], dilation[0]);
  const outW = convOutputSize(inW, kernelW, stride[1], padding[1], dilation[1]);
  if (outH < 1 || outW < 1) fail(`the output would be ${outH}x${outW}`);
  return {
    batch, inChannels, inH, inW, outChannels, outH, outW, kernelH, kernelW,
    strideH: stride[0], strideW: stride[1], padH: padding[0], padW: padding[1], dilationH: dilation[0], dilationW: dilation[1],
  };
}

/**
 * Validates convTranspose2d's operands and options and returns the geometry of the conv2d it transposes:
 * its x side is the transposed op's output (B, C_out, H', W'), its y side the transposed op's input.
 */
export function convTranspose2dGeometry(x: Tensor, w: Tensor, bias: Tensor | null | undefined, options: ConvTranspose2dOptions = {}): ConvGeometry {
  const stride = pair(options.stride ?? 1);
  const padding = pair(options.padding ?? 0);
  const outputPadding = pair(options.outputPadding ?? 0);
  const dilation = pair(options.dilation ?? 1);
  const fail = (why: string): never => {
    throw new Error(`convTranspose2d: ${describeCall(x, w, { stride, padding, outputPadding, dilation })}: ${why}`);
  };
  checkOperands(fail, x, w, bias);
  checkPair(fail, 'stride', stride, 1);
  checkPair(fail, 'padding', padding, 0);
  checkPair(fail, 'outputPadding', outputPadding, 0);
  checkPair(fail, 'dilation', dilation, 1);
  // As PyTorch: output padding only picks among the sizes that a stride or dilation leaves ambiguous.
  [0, 1].forEach((i) => {
    if (outputPadding[i] >= Math.max(stride[i], dilation[i])) fail('outputPadding must be smaller than stride or dilation');
  });
  const [batch, inChannels, inH, inW] = x.shape;
  const [wInChannels, outChannels, kernelH, kernelW] = w.shape;
  if (wInChannels !== inChannels) fail(`x has ${inChannels} channels but w expects ${wInChannels}`);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== outChannels)) fail(`bias ${formatShape(bias.shape)} must be [${outChannels}]`);
  const outH = convTransposeOutputSize(inH, kernelH, stride[0], padding[0], dilation[0], outputPadding[0]);
  const outW = convTransposeOutputSize(inW, kernelW, stride[1], padding[1], dilation[1], outputPadding[1]);
  if (outH < 1 || outW < 1) fail(`the output would be ${outH}x${outW}`);
  // In conv2d's terms the transposed op's output is the conv input and its input the conv output.
  return {
    batch, inChannels: outChannels, inH: outH, inW: outW, outChannels: inChannels, outH: inH, outW: inW, kernelH, kernelW,
    strideH: stride[0], strideW: stride[1], padH: padding[0], padW: padding[1], dilationH: dilation[0], dilationW: dilation[1],
  };
}

// ---- the ops ------------------------------------------------------------------------------------

/**
 * 2-D cross-correlation as torch.nn.functional.conv2d: x (B, C_in, H, W), w (C_out, C_in, kH, kW),
 * bias (C_out) -> (B, C_out, outH, outW), outH = floor((H + 2p - d(kH-1) - 1)/s) + 1, zero padding.
 */
export function conv2d(x: Tensor, w: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  return conv2dForward(x, w, bias ?? null, conv2dGeometry(x, w, bias, options));
}

/**
 * Transposed convolution as torch.nn.functional.conv_transpose2d: x (B, C_in, H, W), w (C_in, C_out, kH, kW),
 * bias (C_out) -> (B, C_out, (H-1)s - 2p + d(kH-1) + outputPadding + 1, ...). It is the gradient of
 * conv2d with respect to its input, and runs the same kernel as that gradient.
 */
export function convTranspose2d(x: Tensor, w: Tensor, bias?: Tensor | null, options: ConvTranspose2dOptions = {}): Tensor {
  return convTranspose2dForward(x, w, bias ?? null, convTranspose2dGeometry(x, w, bias, options));
}

/** conv2d on checked geometry g. Backward: dx is the transposed convolution of dy, dw a correlation of x with dy. */
function conv2dForward(x: Tensor, w: Tensor, bias: Tensor | null, g: ConvGeometry): Tensor {
  const y = Tensor.empty([g.batch, g.outChannels, g.outH, g.outW], x.backend);
  x.backend.run('conv2d', [x.storage, w.storage, (bias ?? x).storage], [y.storage], { ...g, hasBias: bias !== null });
  // Each gradient is computed only when its input needs one (an image's dx, a frozen network's dw are not).
  return record(y, 'conv2d', bias ? [x, w, bias] : [x, w], (dy) => [
    x.requiresGrad ? convTranspose2dForward(dy, w, null, g) : null,
    w.requiresGrad ? conv2dWeightGrad(x, dy, g) : null,
    bias?.requiresGrad ? sum(dy, [0, 2, 3]) : null,
  ]);
}

/**
 * convTranspose2d on the geometry g of the conv2d it transposes: x is (B, g.outChannels, g.outH, g.outW)
 * and the result (B, g.inChannels, g.inH, g.inW). Backward: dx is conv2d of dy with the same w (the
 * (C_in, C_out) layout of the transposed op is conv2d's (C_out, C_in)), and dw is conv2d's weight
 * gradient with the two sides swapped.
 */
function convTranspose2dForward(x: Tensor, w: Tensor, bias: Tensor | null, g: ConvGeometry): Tensor {
  const y = Tensor.empty([g.batch, g.inChannels, g.inH, g.inW], x.backend);
  x.backend.run('convTranspose2d', [x.storage, w.storage, (bias ?? x).storage], [y.storage], { ...g, hasBias: bias !== null });
  return record(y, 'convTranspose2d', bias ? [x, w, bias] : [x, w], (dy) => [
    x.requiresGrad ? conv2dForward(dy, w, null, g) : null,
    w.requiresGrad ? conv2dWeightGrad(dy, x, g) : null,
    bias?.requiresGrad ? sum(dy, [0, 2, 3]) : null,
  ]);
}

/** dw (C_out, C_in, kH, kW) of conv2d from its input x and output gradient dy (used inside backward rules). */
function conv2dWeightGrad(x: Tensor, dy: Tensor, g: ConvGeometry): Tensor {
  const dw = Tensor.empty([g.outChannels, g.inChannels, g.kernelH, g.kernelW], x.backend);
  x.backend.run('conv2dWeightGrad', [x.storage, dy.storage], [dw.storage], g);
  return dw;
}
