// Winograd convolutions F(m x m, 3 x 3) (Lavin and Gray, 2016) for 3x3 convolutions of stride and dilation 1.
// The output is cut into m x m tiles, each computed from the (m + 2) x (m + 2) input patch d_i of every
// input channel i as
//   Y = A^T [ sum_i (G k_i G^T) . (B^T d_i B) ] A         (. elementwise; k_i the 3x3 kernel of channel i)
// so the sum over channels becomes ALPHA^2 = (m + 2)^2 independent matrix products, one per position xi of
// the transformed tile, which the engine's matmul runs:
//   M[xi] (C_out, T) = U[xi] (C_out, C_in) x V[xi] (C_in, T),    T the tiles.
// F(4x4) (shaders/winograd_f4.wgsl) multiplies 36 times for 16 outputs where the direct sum multiplies 144
// times (4x fewer; F(2x2), a rung of bench/ladder/conv.ts, 2.25x), at the price of rounding errors about 10x
// the direct sum's (2e-4 on sums of 576 products of values in (-1, 1)). The steps, per chunk of images whose
// temporaries fit a storage binding: shaders/winograd_weights.wgsl (U, once), winograd_input.wgsl (V),
// matmul, winograd_output.wgsl (Y plus bias). A 3x3 stride-1 convolution's input gradient is one too: the
// convolution of dy with w's channel axes swapped and its taps rotated by 180 degrees, padded 2 - p.
import f4Source from '../../../shaders/winograd_f4.wgsl';
import commonSource from '../../../shaders/winograd_common.wgsl';
import weightsSource from '../../../shaders/winograd_weights.wgsl';
import inputSource from '../../../shaders/winograd_input.wgsl';
import outputSource from '../../../shaders/winograd_output.wgsl';
import type { ConvGeometry } from '../contracts.js';
import { UniformWriter, type CompositeVariant, type GpuDispatch } from './registry.js';

/** A transform F(m x m, 3 x 3): the output tile's side and the WGSL defining M, ALPHA and the transforms (shaders/winograd_f4.wgsl). */
export interface WinogradTransform {
  m: number;
  source: string;
}

export const WINOGRAD_F4: WinogradTransform = { m: 4, source: f4Source };

/** Bytes the largest temporary may take: WebGPU's default largest storage binding (128 MiB); tests lower it to make chunks. */
export const WINOGRAD_LIMITS = { temporaryBytes: 2 ** 27 };
const WORKGROUP = 64;

type Kernel = 'conv2d' | 'convTranspose2d';

/**
 * The Winograd convolution a conv kernel's call is, in the kernels' terms (WinogradParams of
 * shaders/winograd_common.wgsl), all images in one chunk.
 */
function winogradCall(t: WinogradTransform, kernel: Kernel, g: ConvGeometry & { hasBias?: boolean }) {
  const [inChannels, outChannels, srcH, srcW, dstH, dstW, padH, padW] =
    kernel === 'conv2d'
      ? [g.inChannels, g.outChannels, g.inH, g.inW, g.outH, g.outW, g.padH, g.padW]
      : [g.outChannels, g.inChannels, g.outH, g.outW, g.inH, g.inW, 2 - g.padH, 2 - g.padW];
  const [tilesH, tilesW] = [Math.ceil(dstH / t.m), Math.ceil(dstW / t.m)];
  const tiles = g.batch * tilesH * tilesW;
  return { t, inChannels, outChannels, srcH, srcW, dstH, dstW, padH, padW, tilesH, tilesW, firstImage: 0, tiles, hasBias: g.hasBias ?? false, flipped: kernel !== 'conv2d' };
}

/** One Winograd convolution, or one chunk of its images (firstImage on, `tiles` tiles). */
type Call = ReturnType<typeof winogradCall>;

/** Images per chunk: as many as keep V and M (ALPHA^2 x channels x tiles) within WINOGRAD_LIMITS.temporaryBytes. */
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
    label: (c) => `winograd_${name} F(${c.t.m}x${c.t.m})`,
    source: (c) => c.t.source + commonSource + source,
    constants: () => ({ WG: WORKGROUP }),
    uniforms,
    workgroups,
  };
}

const weightsStep = step('weights', weightsSource, (c) => [Math.ceil((c.outChannels * c.inChannels) / WORKGROUP), 1, 1]);
const inputStep = step('input', inputSource, (c) => [Math.ceil(c.tiles / WORKGROUP), c.inChannels, 1]);
const outputStep = step('output', outputSource, (c) => [Math.ceil(c.tiles / WORKGROUP), c.outChannels, 1]);

/** Whether a call of conv kernel `kernel` is a 3x3 convolution of stride and dilation 1 whose chunks can hold an image. */
export function winogradSupports(kernel: Kernel, g: ConvGeometry, t = WINOGRAD_F4): boolean {
  const plain = g.kernelH === 3 && g.kernelW === 3 && g.strideH === 1 && g.strideW === 1 && g.dilationH === 1 && g.dilationW === 1;
  return plain && imagesPerChunk(winogradCall(t, kernel, g), g.batch) >= 1;
}

/** The conv2d or convTranspose2d kernel as a Winograd convolution with transform t, named `name`. */
export function winogradKernel(kernel: Kernel, name: string, t: WinogradTransform): CompositeVariant<ConvGeometry> {
  return {
    name,
    supports: (g) => winogradSupports(kernel, g, t),
    record: (gpu, [src, w, bias], [dst], g) => {
      const call = winogradCall(t, kernel, g);
      const [positions, { inChannels: K, outChannels: M }] = [(t.m + 2) ** 2, call];
      const u = gpu.alloc(positions * M * K);
      gpu.dispatch(weightsStep, [w], [u], call);
      const chunk = imagesPerChunk(call, g.batch);
      for (let firstImage = 0; firstImage < g.batch; firstImage += chunk) {
        const part = { ...call, firstImage, tiles: Math.min(chunk, g.batch - firstImage) * call.tilesH * call.tilesW };
        const [v, m] = [gpu.alloc(positions * K * part.tiles), gpu.alloc(positions * M * part.tiles)];
        gpu.dispatch(inputStep, [src], [v], part);
        const N = part.tiles;
        gpu.run('matmul', [u, v], [m], { batch: positions, M, N, K, transA: false, transB: false, aBatchStride: M * K, bBatchStride: K * N });
        gpu.dispatch(outputStep, [m, bias], [dst], part);
        gpu.free(v);
        gpu.free(m);
      }
      gpu.free(u);
    },
  };
}
