// Winograd convolutions F(m x m, 3 x 3) (Lavin and Gray, 2016) for 3x3 convolutions of stride and dilation 1.
// The output is cut into m x m tiles, each computed from the (m + 2) x (m + 2) input patch d_i of every
// input channel i as
//   Y = A^T [ sum_i (G k_i G^T) . (B^T d_i B) ] A         (. elementwise; k_i the 3x3 kernel of channel i)
// so the sum over channels becomes ALPHA^2 = (m + 2)^2 independent matrix products, one per position xi of
// the transformed tile, which the engine's matmul runs:
//   M[xi] (C_out, T) = U[xi] (C_out, C_in) x V[xi] (C_in, T),    T the tiles.
// F(4x4) (shaders/winograd_f4.wgsl) multiplies 36 times for 16 outputs where the direct sum multiplies 144
// times (4x fewer; F(2x2), a rung of bench/ladder/conv.ts, 2.25x), at the price of larger rounding errors
// (bench/results/conv-lavapipe.md). The steps, per chunk of images whose temporaries fit a storage binding:
// shaders/winograd_weights.wgsl (U, once), winograd_input.wgsl (V), matmul, winograd_output.wgsl (Y plus bias). A 3x3 stride-1 convolution's input gradient is one too: the
// convolution of dy with w's channel axes swapped and its taps rotated by 180 degrees, padded 2 - p. And as a
// tile's output is linear in U, the weight gradient is G^T [ sum over tiles (A dy_t A^T) . V_t ] G: per chunk
// V, winograd_dy.wgsl (the A dy_t A^T), ALPHA^2 products DY[xi] (C_out, T) x V[xi]^T, winograd_weight_grad.wgsl.
import f4Source from '../../../shaders/winograd_f4.wgsl';
import commonSource from '../../../shaders/winograd_common.wgsl';
import weightsSource from '../../../shaders/winograd_weights.wgsl';
import inputSource from '../../../shaders/winograd_input.wgsl';
import outputSource from '../../../shaders/winograd_output.wgsl';
import dySource from '../../../shaders/winograd_dy.wgsl';
import weightGradSource from '../../../shaders/winograd_weight_grad.wgsl';
import type { ConvGeometry } from '../contracts.js';
import type { Storage } from '../backend.js';
import { UniformWriter, type CompositeVariant, type GpuDispatch, type GpuRecorder } from './registry.js';

/** A transform F(m x m, 3 x 3): the output tile's side and the WGSL defining M, ALPHA and the transforms (shaders/winograd_f4.wgsl). */
export interface WinogradTransform {
  m: number;
  source: string;
}

export const WINOGRAD_F4: WinogradTransform = { m: 4, source: f4Source };

/** Bytes the largest temporary may take: WebGPU's default largest storage binding (128 MiB); tests lower it to make chunks. */
export const WINOGRAD_LIMITS = { temporaryBytes: 2 ** 27 };
const WORKGROUP = 64;

type Kernel = 'conv2d' | 'convTranspose2d' | 'conv2dWeightGrad';

/**
 * The Winograd convolution a conv kernel's call is, in the kernels' terms (WinogradParams of
 * shaders/winograd_common.wgsl), all images in one chunk.
 */
function winogradCall(t: WinogradTransform, kernel: Kernel, g: ConvGeometry & { hasBias?: boolean }, name = '') {
  const flipped = kernel === 'convTranspose2d';
  const [inChannels, outChannels, srcH, srcW, dstH, dstW, padH, padW] = flipped
    ? [g.outChannels, g.inChannels, g.outH, g.outW, g.inH, g.inW, 2 - g.padH, 2 - g.padW]
    : [g.inChannels, g.outChannels, g.inH, g.inW, g.outH, g.outW, g.padH, g.padW];
  const [tilesH, tilesW] = [Math.ceil(dstH / t.m), Math.ceil(dstW / t.m)];
  const [firstImage, tiles, hasBias] = [0, g.batch * tilesH * tilesW, g.hasBias ?? false];
  return { name, t, inChannels, outChannels, srcH, srcW, dstH, dstW, padH, padW, tilesH, tilesW, firstImage, tiles, hasBias, flipped };
}

/** One Winograd convolution (of the variant `name`), or one chunk of its images (firstImage on, `tiles` tiles). */
type Call = ReturnType<typeof winogradCall>;

/** Images per chunk: as many as keep V and M (ALPHA^2 x channels x tiles) within WINOGRAD_LIMITS.temporaryBytes (0: not one). */
function imagesPerChunk(c: Call, batch: number): number {
  const bytesPerImage = 4 * (c.t.m + 2) ** 2 * Math.max(c.inChannels, c.outChannels) * c.tilesH * c.tilesW;
  return Math.min(batch, Math.floor(WINOGRAD_LIMITS.temporaryBytes / bytesPerImage));
}

function uniforms(c: Call): ArrayBuffer {
  const writer = new UniformWriter().u32(c.inChannels).u32(c.outChannels).u32(c.srcH).u32(c.srcW).u32(c.dstH).u32(c.dstW);
  writer.i32(c.padH).i32(c.padW).u32(c.tilesH).u32(c.tilesW).u32(c.firstImage).u32(c.tiles);
  return writer.u32(Number(c.hasBias)).u32(Number(c.flipped)).finish();
}

function step(name: string, source: string, workgroups: (c: Call) => [number, number, number]): GpuDispatch<Call> {
  return {
    label: (c) => `${c.name}: winograd_${name}`,
    source: (c) => c.t.source + commonSource + source,
    constants: () => ({ WG: WORKGROUP }),
    uniforms,
    workgroups,
  };
}

const weightsStep = step('weights', weightsSource, (c) => [Math.ceil((c.outChannels * c.inChannels) / WORKGROUP), 1, 1]);
const inputStep = step('input', inputSource, (c) => [Math.ceil(c.tiles / WORKGROUP), c.inChannels, 1]);
const outputStep = step('output', outputSource, (c) => [Math.ceil(c.tiles / WORKGROUP), c.outChannels, 1]);
const dyStep = step('dy', dySource, (c) => [Math.ceil(c.tiles / WORKGROUP), c.outChannels, 1]);
const weightGradStep = step('weight_grad', weightGradSource, (c) => [Math.ceil((c.outChannels * c.inChannels) / WORKGROUP), 1, 1]);

/**
 * Whether a call of conv kernel `kernel` is a 3x3 convolution of stride and dilation 1 whose temporaries fit:
 * a chunk of one image, and the transformed weights (U, or the weight gradient's P: ALPHA^2 x C_out x C_in).
 */
export function winogradSupports(kernel: Kernel, g: ConvGeometry, t = WINOGRAD_F4): boolean {
  const plain = g.kernelH === 3 && g.kernelW === 3 && g.strideH === 1 && g.strideW === 1 && g.dilationH === 1 && g.dilationW === 1;
  const weightBytes = 4 * (t.m + 2) ** 2 * g.inChannels * g.outChannels;
  return plain && weightBytes <= WINOGRAD_LIMITS.temporaryBytes && imagesPerChunk(winogradCall(t, kernel, g), g.batch) >= 1;
}

/** A conv kernel (conv2d, convTranspose2d: its input gradient, or the weight gradient) as a Winograd convolution with transform t. */
export function winogradKernel(kernel: Kernel, name: string, t: WinogradTransform): CompositeVariant<ConvGeometry> {
  return {
    name,
    supports: (g) => winogradSupports(kernel, g, t),
    record: (gpu, inputs, [out], g) => {
      const call = winogradCall(t, kernel, g, name);
      const chunk = imagesPerChunk(call, g.batch);
      const chunks = Array.from({ length: Math.ceil(g.batch / chunk) }, (_, i) => {
        const firstImage = i * chunk;
        return { ...call, firstImage, tiles: Math.min(chunk, g.batch - firstImage) * call.tilesH * call.tilesW };
      });
      (kernel === 'conv2dWeightGrad' ? recordWeightGrad : recordConvolution)(gpu, inputs, out, call, chunks);
    },
  };
}

/**
 * dst = src * w + bias: U from w once, then per chunk V from src, the ALPHA^2 products
 * M[xi] (C_out, T) = U[xi] (C_out, C_in) x V[xi] (C_in, T), and dst's tiles from M.
 */
function recordConvolution(gpu: GpuRecorder, [src, w, bias]: Storage[], dst: Storage, call: Call, chunks: Call[]): void {
  const [positions, cIn, cOut] = [(call.t.m + 2) ** 2, call.inChannels, call.outChannels];
  const u = gpu.alloc(positions * cOut * cIn);
  gpu.dispatch(weightsStep, [w], [u], call);
  for (const part of chunks) {
    const T = part.tiles;
    const [v, products] = [gpu.alloc(positions * cIn * T), gpu.alloc(positions * cOut * T)];
    gpu.dispatch(inputStep, [src], [v], part);
    const params = { batch: positions, M: cOut, N: T, K: cIn, transA: false, transB: false, aBatchStride: cOut * cIn, bBatchStride: cIn * T };
    gpu.run('matmul', [u, v], [products], params, call.name);
    gpu.dispatch(outputStep, [products, bias], [dst], part);
    gpu.free(v);
    gpu.free(products);
  }
  gpu.free(u);
}

/**
 * dw of conv2d from x and dy: per chunk V from x and DY from dy, the ALPHA^2 products
 * P[xi] (C_out, C_in) = DY[xi] (C_out, T) x V[xi]^T (T, C_in), and dw = G^T P G (added up over chunks).
 */
function recordWeightGrad(gpu: GpuRecorder, [x, dy]: Storage[], dw: Storage, call: Call, chunks: Call[]): void {
  const [positions, cIn, cOut] = [(call.t.m + 2) ** 2, call.inChannels, call.outChannels];
  const p = gpu.alloc(positions * cOut * cIn);
  for (const part of chunks) {
    const T = part.tiles;
    const [v, dyt] = [gpu.alloc(positions * cIn * T), gpu.alloc(positions * cOut * T)];
    gpu.dispatch(inputStep, [x], [v], part);
    gpu.dispatch(dyStep, [dy], [dyt], part);
    const params = { batch: positions, M: cOut, N: cIn, K: T, transA: false, transB: true, aBatchStride: cOut * T, bBatchStride: cIn * T };
    gpu.run('matmul', [dyt, v], [p], params, call.name);
    gpu.dispatch(weightGradStep, [p], [dw], part);
    gpu.free(v);
    gpu.free(dyt);
  }
  gpu.free(p);
}
