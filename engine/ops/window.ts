// Sliding-window helpers shared by the convolution and pooling ops: option pairs and PyTorch's output size.

/** One value for both spatial axes, or [height, width]. */
export type Pair = number | [number, number];

export function pair(value: Pair): [number, number] {
  return typeof value === 'number' ? [value, value] : value;
}

/** floor((size + 2p - d(k-1) - 1) / s) + 1: how many windows fit (PyTorch's conv2d and pooling output size). */
export function convOutputSize(size: number, kernel: number, stride: number, padding: number, dilation: number): number {
  return Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}
