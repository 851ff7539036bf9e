// WebGPU convolution kernels: a ladder of versions per kernel (shaders/conv*_v*.wgsl, each prefixed with
// shaders/conv_common.wgsl) and the choice of version. bench/conv checks every version against the CPU
// reference and times it; the engine runs the last version of each ladder, the fastest correct one.
import commonSource from '../../../shaders/conv_common.wgsl';
import conv2dV1Source from '../../../shaders/conv2d_v1.wgsl';
import conv2dV2Source from '../../../shaders/conv2d_v2.wgsl';
import convTranspose2dV1Source from '../../../shaders/conv_transpose2d_v1.wgsl';
import convTranspose2dV2Source from '../../../shaders/conv_transpose2d_v2.wgsl';
import convTranspose2dV3Source from '../../../shaders/conv_transpose2d_v3.wgsl';
import weightGradV1Source from '../../../shaders/conv2d_weight_grad_v1.wgsl';
import weightGradV2Source from '../../../shaders/conv2d_weight_grad_v2.wgsl';
import conv2dImplicitGemmSource from '../../../shaders/conv2d_implicit_gemm.wgsl';
import convTranspose2dImplicitGemmSource from '../../../shaders/conv_transpose2d_implicit_gemm.wgsl';
import weightGradImplicitGemmSource from '../../../shaders/conv2d_weight_grad_implicit_gemm.wgsl';
import type { ConvGeometry } from '../../ops/conv.js';
import { UniformWriter, registerGpuKernel } from './registry.js';
import { registerTunable, sizeBucket, tunedCandidate } from './tuning.js';
// The rest of the family (pooling, upsampling).
import './pool.js';

export type ConvKernelName = 'conv2d' | 'convTranspose2d' | 'conv2dWeightGrad';

export interface ConvVersion {
  name: string;
  /** full WGSL source, common prelude included (v3 generates its tile sizes per geometry) */
  source: (g: ConvGeometry) => string;
  constants: (g: ConvGeometry) => Record<string, number>;
  workgroups: (g: ConvGeometry) => [number, number, number] | number;
  /** the blocking a tiled version runs on g (shown in its label) */
  tileName?: (g: ConvGeometry) => string;
}

/** An implicit GEMM's sizes: rows (one side's channels), columns, the reduction's length, stride phases. */
interface GemmShape {
  rows: number;
  columns: number;
  reduction: number;
  phases: number;
}

const GEMM_SHAPES: Record<ConvKernelName, (g: ConvGeometry) => GemmShape> = {
  conv2d: (g) => ({ rows: g.outChannels, columns: g.batch * g.outH * g.outW, reduction: g.inChannels * g.kernelH * g.kernelW, phases: 1 }),
  convTranspose2d: (g) => ({
    rows: g.inChannels,
    columns: g.batch * Math.ceil(g.inH / g.strideH) * Math.ceil(g.inW / g.strideW),
    reduction: Math.ceil((g.outChannels * g.kernelH * g.kernelW) / (g.strideH * g.strideW)), // landing taps per phase, about
    phases: g.strideH * g.strideW,
  }),
  conv2dWeightGrad: (g) => ({ rows: g.outChannels, columns: g.inChannels * g.kernelH * g.kernelW, reduction: g.batch * g.outH * g.outW, phases: 1 }),
};

/** The implicit-GEMM blocking of a call: the adapter's tuned choice for its shape class, else the default. */
function gemmTile(kernel: ConvKernelName, g: ConvGeometry): GemmTile {
  const tuned = tunedCandidate(kernel, g);
  return tuned ? parseTile(tuned) : defaultGemmTile(GEMM_SHAPES[kernel](g).rows);
}

/** Invocations per workgroup of the one-output-per-invocation versions. */
const NAIVE_WORKGROUP = 64;

/**
 * Register tiles of the v2 versions (generated into the WGSL as constants, since private arrays need
 * constant sizes): channels x neighbouring pixels of one row per invocation for the two convolutions,
 * output x input channels of one tap for the weight gradient.
 */
const V2_CHANNEL_TILE = 8;
const V2_PIXEL_TILE = 4;
const V2_WEIGHT_GRAD_TILE = 4;
const V2_WORKGROUP = 64;
/**
 * convTranspose2d v3's tile: at most V3_CHANNEL_TILE channels (fewer when the x side has fewer, as the
 * decoder's last layer with 3: an 8-channel tile would spend 5/8 of its work on padding channels) x
 * V3_PIXEL_TILE pixels of one stride phase. Measured on lavapipe among 3-16 channels x 2-16 pixels.
 */
const V3_CHANNEL_TILE = 8;
const V3_PIXEL_TILE = 8;
const v3ChannelTile = (g: ConvGeometry) => Math.min(V3_CHANNEL_TILE, g.inChannels);

/** WGSL `const` declarations for a tiled version's register tile (generated; the shader declares none). */
function tileHeader(tiles: Record<string, number>): string {
  return Object.entries(tiles)
    .map(([name, value]) => `const ${name}: u32 = ${value}u;\n`)
    .join('');
}

const naive = (name: string, source: string, outputs: (g: ConvGeometry) => number): ConvVersion => ({
  name,
  source: () => commonSource + source,
  constants: () => ({ WG: NAIVE_WORKGROUP }),
  workgroups: (g) => Math.ceil(outputs(g) / NAIVE_WORKGROUP),
});

const ySize = (g: ConvGeometry) => g.batch * g.outChannels * g.outH * g.outW;
const xSize = (g: ConvGeometry) => g.batch * g.inChannels * g.inH * g.inW;
const wSize = (g: ConvGeometry) => g.outChannels * g.inChannels * g.kernelH * g.kernelW;

/** A row-tiled version: workgroups cover pixel blocks of rows (x), channel tiles (y) and the batch (z). */
function rowTiled(name: string, source: string, channelTileName: string, side: (g: ConvGeometry) => [number, number, number]): ConvVersion {
  return {
    name,
    source: () => tileHeader({ [channelTileName]: V2_CHANNEL_TILE, PIXEL_TILE: V2_PIXEL_TILE }) + commonSource + source,
    constants: () => ({ WG: V2_WORKGROUP }),
    workgroups: (g) => {
      const [channels, h, w] = side(g);
      return [Math.ceil((h * Math.ceil(w / V2_PIXEL_TILE)) / V2_WORKGROUP), Math.ceil(channels / V2_CHANNEL_TILE), g.batch];
    },
  };
}

/**
 * convTranspose2d v3: workgroups cover the blocks of one stride phase's rows (x), channel tiles (y) and
 * (batch entry, phase) pairs (z); a block is PIXEL_TILE pixels of one row spaced by the stride.
 */
function phaseTiled(name: string, source: string): ConvVersion {
  return {
    name,
    source: (g) => tileHeader({ IN_CHANNEL_TILE: v3ChannelTile(g), PIXEL_TILE: V3_PIXEL_TILE }) + commonSource + source,
    constants: () => ({ WG: V2_WORKGROUP }),
    workgroups: (g) => {
      const rows = Math.ceil(g.inH / g.strideH);
      const blocksPerRow = Math.ceil(Math.ceil(g.inW / g.strideW) / V3_PIXEL_TILE);
      const phases = g.strideH * g.strideW;
      return [Math.ceil((rows * blocksPerRow) / V2_WORKGROUP), Math.ceil(g.inChannels / v3ChannelTile(g)), g.batch * phases];
    },
  };
}

/** An implicit-GEMM version's blocking: WG threads, each TM rows (channels) x TN columns (pixels or taps). */
export interface GemmTile {
  wg: number;
  tm: number;
  tn: number;
}

/**
 * The blocking when nothing was tuned for this adapter: 8 threads x 16 rows x 8 columns was the fastest of
 * the blockings timed on lavapipe (bench/results/compare-lavapipe.md); fewer rows when a side has at most 8
 * channels (the generators' and decoders' 3-channel layers), so few rows are computed only to be dropped.
 */
export function defaultGemmTile(rows: number): GemmTile {
  return { wg: 8, tm: rows <= 4 ? 4 : rows <= 8 ? 8 : 16, tn: 8 };
}

/**
 * The blockings per-adapter tuning chooses among (engine/backend/webgpu/tuning.ts), named `WGxTMxTN`:
 * few threads with large register blocks (a CPU's SIMD lanes, lavapipe) to many threads with small
 * ones (a GPU's, which needs thousands of threads in flight and spills large blocks).
 */
export const GEMM_TILE_CANDIDATES = ['8x16x8', '8x8x8', '8x4x8', '8x16x16', '16x16x8', '32x8x4', '64x4x4', '128x4x2', '256x2x2'];

export const tileName = (t: GemmTile) => `${t.wg}x${t.tm}x${t.tn}`;

function parseTile(name: string): GemmTile {
  const [wg, tm, tn] = name.split('x').map(Number);
  return { wg, tm, tn };
}

/**
 * The implicit-GEMM version of `kernel`: rows are one side's channels (W's rows, read uniformly by the
 * workgroup), columns are pixels (or, for the weight gradient, taps); workgroups cover column blocks (x),
 * row blocks (y) and, for the transposed kernel, stride phases (z); the blocking is gemmTile's.
 */
function implicitGemm(kernel: ConvKernelName, source: string): ConvVersion {
  return {
    name: 'implicit-gemm',
    tileName: (g) => tileName(gemmTile(kernel, g)),
    source: (g) => {
      const { tm, tn } = gemmTile(kernel, g);
      return tileHeader({ TM: tm, TN: tn }) + commonSource + source;
    },
    constants: (g) => ({ WG: gemmTile(kernel, g).wg }),
    workgroups: (g) => {
      const { wg, tm, tn } = gemmTile(kernel, g);
      const { rows, columns, phases } = GEMM_SHAPES[kernel](g);
      return [Math.ceil(columns / (wg * tn)), Math.ceil(rows / tm), phases];
    },
  };
}

export const convVersions: Record<ConvKernelName, ConvVersion[]> = {
  conv2d: [
    naive('v1', conv2dV1Source, ySize),
    rowTiled('v2', conv2dV2Source, 'OUT_CHANNEL_TILE', (g) => [g.outChannels, g.outH, g.outW]),
    implicitGemm('conv2d', conv2dImplicitGemmSource),
  ],
  convTranspose2d: [
    naive('v1', convTranspose2dV1Source, xSize),
    rowTiled('v2', convTranspose2dV2Source, 'IN_CHANNEL_TILE', (g) => [g.inChannels, g.inH, g.inW]),
    phaseTiled('v3', convTranspose2dV3Source),
    implicitGemm('convTranspose2d', convTranspose2dImplicitGemmSource),
  ],
  conv2dWeightGrad: [
    naive('v1', weightGradV1Source, wSize),
    {
      name: 'v2',
      source: () => tileHeader({ OUT_CHANNEL_TILE: V2_WEIGHT_GRAD_TILE, IN_CHANNEL_TILE: V2_WEIGHT_GRAD_TILE }) + commonSource + weightGradV2Source,
      constants: () => ({ WG: NAIVE_WORKGROUP }),
      workgroups: (g) => {
        const tiles = Math.ceil(g.outChannels / V2_WEIGHT_GRAD_TILE) * Math.ceil(g.inChannels / V2_WEIGHT_GRAD_TILE);
        return Math.ceil((tiles * g.kernelH * g.kernelW) / NAIVE_WORKGROUP);
      },
    },
    implicitGemm('conv2dWeightGrad', weightGradImplicitGemmSource),
  ],
};

const forced: Partial<Record<ConvKernelName, string>> = {};

/** Makes the engine run version `name` of `kernel` (null: back to the default), for benchmarks. */
export function forceConvVersion(kernel: ConvKernelName, name: string | null): void {
  if (name === null) {
    delete forced[kernel];
    return;
  }
  if (!convVersions[kernel].some((v) => v.name === name)) throw new Error(`${kernel}: no version '${name}'`);
  forced[kernel] = name;
}

/**
 * The version the engine runs: the forced one, else the last of the ladder, which bench/conv measured
 * fastest on every layer of the models (bench/results/conv-lavapipe.md): implicit-gemm for all three
 * kernels, at stride 1 and 2 alike (its blocking per shape class: gemmTile).
 */
export function chooseConvVersion(kernel: ConvKernelName): ConvVersion {
  const versions = convVersions[kernel];
  return versions.find((v) => v.name === forced[kernel]) ?? versions[versions.length - 1];
}

/** The ConvParams record of shaders/conv_common.wgsl. */
function convUniforms(g: ConvGeometry, hasBias = false): ArrayBuffer {
  const fields = [
    g.batch, g.inChannels, g.inH, g.inW, g.outChannels, g.outH, g.outW, g.kernelH, g.kernelW,
    g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, Number(hasBias),
  ];
  const writer = new UniformWriter();
  for (const value of fields) writer.u32(value);
  return writer.finish();
}

/** Operand sizes of a conv kernel on geometry g: inputs in binding order, then the output. */
export function convOperandSizes(kernel: ConvKernelName, g: ConvGeometry): { inputs: number[]; output: number } {
  const x = g.batch * g.inChannels * g.inH * g.inW;
  const y = g.batch * g.outChannels * g.outH * g.outW;
  const w = g.outChannels * g.inChannels * g.kernelH * g.kernelW;
  if (kernel === 'conv2d') return { inputs: [x, w, g.outChannels], output: y };
  if (kernel === 'convTranspose2d') return { inputs: [y, w, g.inChannels], output: x };
  return { inputs: [x, y], output: w };
}

for (const kernel of ['conv2d', 'convTranspose2d', 'conv2dWeightGrad'] as const) {
  registerTunable<ConvGeometry>({
    kernel,
    candidates: GEMM_TILE_CANDIDATES,
    shapeClass: (g) => {
      const { rows, columns, reduction } = GEMM_SHAPES[kernel](g);
      return `${sizeBucket(rows)}x${sizeBucket(columns)}x${sizeBucket(reduction)}`;
    },
    operandSizes: (g) => convOperandSizes(kernel, g),
  });
  registerGpuKernel(kernel, {
    label: (p) => {
      const version = chooseConvVersion(kernel);
      return `${kernel} ${version.name}${version.tileName ? ` ${version.tileName(p)}` : ''}`;
    },
    source: (p) => chooseConvVersion(kernel).source(p),
    constants: (p) => chooseConvVersion(kernel).constants(p),
    uniforms: (p) => convUniforms(p, 'hasBias' in p ? p.hasBias : false),
    workgroups: (p) => chooseConvVersion(kernel).workgroups(p),
    // the same count for all three: every pass multiplies each (output pixel, tap, channel pair) once
    flops: (g) => 2 * g.batch * g.outChannels * g.outH * g.outW * g.inChannels * g.kernelH * g.kernelW,
  });
}
