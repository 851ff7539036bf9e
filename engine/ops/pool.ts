// Pooling and upsampling on NCHW maps, with PyTorch's definitions: maxPool2d, avgPool2d and upsample2d
// (nearest or bilinear). Each has a forward kernel and a backward kernel that gathers, for every input
// pixel, the output gradients of the windows that read it (no atomics, one writer per dx element).
// The kernels' geometries are declared in backend/contracts.ts; this file builds and checks them.
import { formatShape } from '../shape.js';
import type { PoolGeometry, UpsampleGeometry, UpsampleMode } from '../backend/contracts.js';
import { Tensor } from '../tensor.js';
import { record } from '../autograd.js';
import { convOutputSize, pair, type Pair } from './window.js';

export interface Pool2dOptions {
  kernel: Pair;
  /** default: the kernel size (non-overlapping windows) */
  stride?: Pair;
  /** implicit padding on both sides, at most half the kernel */
  padding?: Pair;
}

function poolGeometry(op: string, x: Tensor, options: Pool2dOptions): PoolGeometry {
  const kernel = pair(options.kernel);
  const stride = pair(options.stride ?? options.kernel);
  const padding = pair(options.padding ?? 0);
  const fail = (why: string): never => {
    const opts = `kernel [${kernel.join(', ')}], stride [${stride.join(', ')}], padding [${padding.join(', ')}]`;
    throw new Error(`${op}: x ${formatShape(x.shape)} (${opts}): ${why}`);
  };
  if (x.rank !== 4) fail('x must be (B, C, H, W)');
  const isInt = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (!kernel.every((k) => isInt(k, 1))) fail('kernel sizes must be integers >= 1');
  if (!stride.every((s) => isInt(s, 1))) fail('strides must be integers >= 1');
  if (!padding.every((p) => isInt(p, 0))) fail('paddings must be integers >= 0');
  // As PyTorch: so that every window holds at least one real pixel.
  if (padding.some((p, i) => 2 * p > kernel[i])) fail('padding must be at most half the kernel');
  const [B, C, inH, inW] = x.shape;
  if (kernel[0] > inH + 2 * padding[0] || kernel[1] > inW + 2 * padding[1]) {
    fail(`the kernel is larger than the padded input ${inH + 2 * padding[0]}x${inW + 2 * padding[1]}`);
  }
  const outH = convOutputSize(inH, kernel[0], stride[0], padding[0], 1);
  const outW = convOutputSize(inW, kernel[1], stride[1], padding[1], 1);
  if (outH < 1 || outW < 1) fail(`the output would be ${outH}x${outW}`);
  return {
    planes: B * C, inH, inW, outH, outW, kernelH: kernel[0], kernelW: kernel[1],
    strideH: stride[0], strideW: stride[1], padH: padding[0], padW: padding[1],
  };
}

/**
 * Max over each kH x kW window (stride defaults to the kernel); padded positions never win.
 * x (B, C, H, W) -> (B, C, outH, outW), outH = floor((H + 2p - kH)/s) + 1.
 * Gradient: each window's dy goes to its arg-max; when several pixels tie for the max, the FIRST in
 * row-major window order (smallest ky, then smallest kx) takes it all. (PyTorch's CPU kernel does the
 * same.) Overlapping windows add their contributions.
 */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const g = poolGeometry('maxPool2d', x, options);
  const y = Tensor.empty([x.shape[0], x.shape[1], g.outH, g.outW], x.backend);
  x.backend.run('pool2d', [x.storage], [y.storage], { ...g, op: 'max' });
  return record(y, 'maxPool2d', [x], (dy) => {
    const dx = Tensor.empty(x.shape, x.backend);
    x.backend.run('maxPool2dBackward', [x.storage, dy.storage], [dx.storage], g);
    return [dx];
  });
}

/**
 * Mean over each kH x kW window, with count_include_pad = true (PyTorch's default): the divisor is
 * always kH kW, padded positions counting as zeros. Gradient: dy / (kH kW) to every pixel of the window.
 */
export function avgPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const g = poolGeometry('avgPool2d', x, options);
  const y = Tensor.empty([x.shape[0], x.shape[1], g.outH, g.outW], x.backend);
  x.backend.run('pool2d', [x.storage], [y.storage], { ...g, op: 'avg' });
  return record(y, 'avgPool2d', [x], (dy) => {
    const dx = Tensor.empty(x.shape, x.backend);
    x.backend.run('avgPool2dBackward', [dy.storage], [dx.storage], g);
    return [dx];
  });
}

export interface Upsample2dOptions {
  /** integer factor for both H and W (default 2) */
  scale?: number;
  /** default 'nearest' */
  mode?: UpsampleMode;
}

/**
 * Upsamples (B, C, H, W) -> (B, C, H*scale, W*scale) as torch.nn.functional.interpolate with an integer
 * scale_factor: 'nearest' copies x[floor(oy/scale)]; 'bilinear' uses align_corners = false, that is the
 * source coordinate (oy + 0.5)/scale - 0.5, clamped at 0, interpolating between the two neighbours
 * (the last row/column repeats at the far edge).
 */
export function upsample2d(x: Tensor, options: Upsample2dOptions = {}): Tensor {
  const scale = options.scale ?? 2;
  const mode = options.mode ?? 'nearest';
  const fail = (why: string): never => {
    throw new Error(`upsample2d: x ${formatShape(x.shape)} (scale ${scale}, mode ${mode}): ${why}`);
  };
  if (x.rank !== 4) fail('x must be (B, C, H, W)');
  if (!Number.isInteger(scale) || scale < 1) fail('scale must be an integer >= 1');
  if (mode !== 'nearest' && mode !== 'bilinear') fail("mode must be 'nearest' or 'bilinear'");
  const [B, C, inH, inW] = x.shape;
  const g: UpsampleGeometry = { planes: B * C, inH, inW, scale, mode };
  const y = Tensor.empty([B, C, inH * scale, inW * scale], x.backend);
  x.backend.run('upsample2d', [x.storage], [y.storage], g);
  return record(y, 'upsample2d', [x], (dy) => {
    const dx = Tensor.empty(x.shape, x.backend);
    x.backend.run('upsample2dBackward', [dy.storage], [dx.storage], g);
    return [dx];
  });
}
