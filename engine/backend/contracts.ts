// The kernel contracts: every kernel a backend implements, by name, with its parameter record and the
// layout of its inputs and outputs. The ops fill these records and the backends read them, so both sides
// import them from here, and neither imports the other. A leaf module: it imports nothing.
// Inputs and outputs are passed separately as storages, in the order each kernel's comment gives.

// ---- what the records hold: op enums and geometries ----------------------------------------------------

/**
 * The scalar function an elementwise kernel applies, as the op table (ops/elementwise.ts) declares it: its
 * float64 definition for the CPU backend and its WGSL expression for the WebGPU one (in x, or a and b, and
 * alpha), with any WGSL helper functions the expression calls. `name` labels the kernel.
 */
export interface ScalarFunction<F> {
  name: string;
  cpu: F;
  wgsl: string;
  wgslHelpers?: string;
}
export type UnaryFunction = ScalarFunction<(x: number, alpha: number) => number>;
export type BinaryFunction = ScalarFunction<(a: number, b: number, alpha: number) => number>;

export type ReduceOp = 'sum' | 'max';

/** Sizes of one convolution in conv2d's terms: x (batch, inChannels, inH, inW) -> y (batch, outChannels, outH, outW). */
export interface ConvGeometry {
  batch: number;
  inChannels: number;
  inH: number;
  inW: number;
  outChannels: number;
  outH: number;
  outW: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
}

/** Sizes of one pooling: x (planes = B*C, inH, inW) -> y (planes, outH, outW). */
export interface PoolGeometry {
  planes: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
}

export type UpsampleMode = 'nearest' | 'bilinear';

/** Sizes of one upsampling: x (planes, inH, inW) -> y (planes, inH*scale, inW*scale). */
export interface UpsampleGeometry {
  planes: number;
  inH: number;
  inW: number;
  scale: number;
  mode: UpsampleMode;
}

/** The distributions the 'random' kernel draws from. */
export type RandomKind = 'uniform' | 'normal' | 'gumbel';

// ---- the kernels -----------------------------------------------------------------------------------------

/** Every kernel name mapped to its parameter record. */
export interface KernelParams {
  // elementwise (ops/elementwise.ts)
  /** out[i] = value for i < n */
  fill: { n: number; value: number };
  /** out[i] = f(x[i], alpha) for i < n; alpha is leakyRelu's negative slope (unused by the others) */
  unary: { op: UnaryFunction; n: number; alpha: number };
  /** out (contiguous, `shape`) = f(a, b, alpha), a and b read through broadcast strides; alpha is leakyReluBackward's slope */
  binary: { op: BinaryFunction; shape: number[]; aStrides: number[]; bStrides: number[]; alpha?: number };
  /** out = cond != 0 ? a : b, all three read through broadcast strides */
  where: { shape: number[]; condStrides: number[]; aStrides: number[]; bStrides: number[] };

  // reductions (ops/reduce.ts)
  /** x viewed as (outer, reduced, inner) -> out (outer, inner): out[o, j] = sum or max of x[o, 0..reduced, j] */
  reduce: { op: ReduceOp; outer: number; reduced: number; inner: number };

  // shape (ops/shape.ts)
  /**
   * For every coordinate c of `shape`:
   *   out[outOffset + sum_d c_d outStrides_d] = x[inOffset + sum_d c_d inStrides_d]
   * Elements of out outside that pattern are left as they were.
   */
  copy: { shape: number[]; inOffset: number; inStrides: number[]; outOffset: number; outStrides: number[] };
  /** x (outer, axisSize, inner), indices (count) -> out (outer, count, inner) = x[:, indices[j], :] */
  gather: { outer: number; axisSize: number; count: number; inner: number };
  /** dy (outer, count, inner), indices (count) -> dx (outer, axisSize, inner) = sum_j [indices[j] == a] dy[:, j, :] */
  gatherBackward: { outer: number; axisSize: number; count: number; inner: number };

  // matmul (ops/matmul.ts)
  /** a, b -> out (batch, M, N); a batch stride of 0 shares one matrix across the batch */
  matmul: {
    batch: number;
    M: number;
    N: number;
    K: number;
    transA: boolean;
    transB: boolean;
    aBatchStride: number;
    bBatchStride: number;
  };

  // convolution (ops/conv.ts)
  /** x (B, inC, inH, inW), w (outC, inC, kH, kW), bias (outC; unread without hasBias) -> y (B, outC, outH, outW) */
  conv2d: ConvGeometry & { hasBias: boolean };
  /** dy (B, outC, outH, outW), w (outC, inC, kH, kW), bias (inC; unread without hasBias) -> dx (B, inC, inH, inW) */
  convTranspose2d: ConvGeometry & { hasBias: boolean };
  /** x (B, inC, inH, inW), dy (B, outC, outH, outW) -> dw (outC, inC, kH, kW) */
  conv2dWeightGrad: ConvGeometry;

  // pooling and upsampling (ops/pool.ts)
  /** x -> y: max over each window (padding never wins) or its mean (padding counts as zeros) */
  pool2d: PoolGeometry & { op: 'max' | 'avg' };
  /** x, dy -> dx: each window's dy goes to the first arg-max of that window (row-major order) */
  maxPool2dBackward: PoolGeometry;
  /** dy -> dx: each window's dy / (kH kW) goes to every input pixel of the window */
  avgPool2dBackward: PoolGeometry;
  /** x -> y, nearest or bilinear (align_corners = false) */
  upsample2d: UpsampleGeometry;
  /** dy -> dx: the adjoint of upsample2d (each dy spread back with the forward's weights) */
  upsample2dBackward: UpsampleGeometry;

  // random (ops/random.ts; the stream is defined in random/philox.ts)
  /**
   * out[i] for i < n from element i of the draw (seed, blockOffset):
   * uniform: a + (b - a) u;  normal: a + b z;  gumbel: -log(-log u)
   */
  random: { kind: RandomKind; n: number; seed: number; blockOffset: number; a: number; b: number };

  // optimizer updates (optim/adam.ts, optim/sgd.ts)
  /**
   * grad (n) -> param, m, v (n), updated in place. stepSize = lr / (1 - beta1^t) and
   * biasCorrection2Sqrt = sqrt(1 - beta2^t) are computed on the host in float64.
   */
  adamUpdate: {
    n: number;
    beta1: number;
    beta2: number;
    eps: number;
    weightDecay: number;
    stepSize: number;
    biasCorrection2Sqrt: number;
  };
  /**
   * grad (n) -> param (n), momentumBuffer (n, or empty when momentum is 0), updated in place;
   * firstStep starts the buffer at g, as PyTorch does.
   */
  sgdUpdate: { n: number; lr: number; momentum: number; weightDecay: number; firstStep: boolean };
}

export type KernelName = keyof KernelParams;
