// The convolution ladders, slowest rung first: for each of the three conv kernels the direct kernels that
// came before the implicit GEMM (their shaders live beside this file), then the engine's implicit GEMM
// (engine/backend/webgpu/conv.ts) with its rows loaded by every thread, then with them shared by subgroup
// shuffles (adapters with subgroups); for 3x3 convolutions of stride 1, Winograd F(2x2, 3x3) and the
// engine's F(4x4, 3x3) last. bench/conv checks every rung against the float64 CPU reference, then
// times it (npm run bench:conv -- --rungs register_tiled,implicit_gemm); test/conv.test.ts checks every rung
// too. A rung's name is its shader file's; the strategy (the name after the kernel's prefix) is what
// --rungs selects. Results: bench/results/conv-lavapipe.md.
import indexCommonSource from '../../shaders/index_common.wgsl';
import commonSource from '../../shaders/conv_common.wgsl';
import conv2dNaiveSource from './conv2d_naive.wgsl';
import conv2dRegisterTiledSource from './conv2d_register_tiled.wgsl';
import convTranspose2dNaiveSource from './conv_transpose2d_naive.wgsl';
import convTranspose2dRegisterTiledSource from './conv_transpose2d_register_tiled.wgsl';
import convTranspose2dPhaseTiledSource from './conv_transpose2d_phase_tiled.wgsl';
import weightGradNaiveSource from './conv2d_weight_grad_naive.wgsl';
import weightGradRegisterTiledSource from './conv2d_weight_grad_register_tiled.wgsl';
import { convKernels, convSubgroupKernels, winogradKernels, tileHeader, type ConvKernel, type ConvKernelName } from '../../engine/backend/webgpu/conv.js';
import { winogradKernel, type WinogradTransform } from '../../engine/backend/webgpu/winograd.js';
import type { ConvGeometry } from '../../engine/backend/contracts.js';
import winogradF2Source from './winograd_f2.wgsl';

/** Each kernel's shader file prefix: a rung is `${prefix}_${strategy}`. */
export const CONV_FILE_PREFIX: Record<ConvKernelName, string> = {
  conv2d: 'conv2d',
  convTranspose2d: 'conv_transpose2d',
  conv2dWeightGrad: 'conv2d_weight_grad',
};

/** A rung's strategy: its name without the kernel's prefix (naive, register_tiled, ..., implicit_gemm). */
export const strategyOf = (kernel: ConvKernelName, rung: ConvKernel) => rung.name.slice(CONV_FILE_PREFIX[kernel].length + 1);

/** Invocations per workgroup of the one-output-per-invocation rungs. */
const NAIVE_WORKGROUP = 64;

/**
 * Register tiles of the register-tiled rungs (generated into the WGSL as constants, since private arrays
 * need constant sizes): channels x neighbouring pixels of one row per invocation for the two convolutions,
 * output x input channels of one tap for the weight gradient.
 */
const CHANNEL_TILE = 8;
const PIXEL_TILE = 4;
const WEIGHT_GRAD_TILE = 4;
const TILED_WORKGROUP = 64;
/**
 * conv_transpose2d_phase_tiled's tile: at most PHASE_CHANNEL_TILE channels (fewer when the x side has
 * fewer, as the decoder's last layer with 3: an 8-channel tile would spend 5/8 of its work on padding
 * channels) x PHASE_PIXEL_TILE pixels of one stride phase (the trials: bench/results/conv-lavapipe.md).
 */
const PHASE_CHANNEL_TILE = 8;
const PHASE_PIXEL_TILE = 8;
const phaseChannelTile = (g: ConvGeometry) => Math.min(PHASE_CHANNEL_TILE, g.inChannels);

const ySize = (g: ConvGeometry) => g.batch * g.outChannels * g.outH * g.outW;
const xSize = (g: ConvGeometry) => g.batch * g.inChannels * g.inH * g.inW;
const wSize = (g: ConvGeometry) => g.outChannels * g.inChannels * g.kernelH * g.kernelW;

/** Rung 1: one invocation per output element of `outputs(g)`, a 1-D dispatch. */
const naive = (name: string, source: string, outputs: (g: ConvGeometry) => number): ConvKernel => ({
  name,
  source: () => indexCommonSource + commonSource + source,
  constants: () => ({ WG: NAIVE_WORKGROUP }),
  workgroups: (g) => Math.ceil(outputs(g) / NAIVE_WORKGROUP),
});

/** Rung 2 of the convolutions: workgroups cover pixel blocks of rows (x), channel tiles (y) and the batch (z). */
function rowTiled(name: string, source: string, channelTileName: string, side: (g: ConvGeometry) => [number, number, number]): ConvKernel {
  return {
    name,
    source: () => tileHeader({ [channelTileName]: CHANNEL_TILE, PIXEL_TILE }) + commonSource + source,
    constants: () => ({ WG: TILED_WORKGROUP }),
    workgroups: (g) => {
      const [channels, h, w] = side(g);
      return [Math.ceil((h * Math.ceil(w / PIXEL_TILE)) / TILED_WORKGROUP), Math.ceil(channels / CHANNEL_TILE), g.batch];
    },
  };
}

/** Rung 2 of the weight gradient: one invocation per (channel-pair tile, tap), a 1-D dispatch. */
const weightGradRegisterTiled: ConvKernel = {
  name: 'conv2d_weight_grad_register_tiled',
  source: () =>
    tileHeader({ OUT_CHANNEL_TILE: WEIGHT_GRAD_TILE, IN_CHANNEL_TILE: WEIGHT_GRAD_TILE }) + indexCommonSource + commonSource + weightGradRegisterTiledSource,
  constants: () => ({ WG: NAIVE_WORKGROUP }),
  workgroups: (g) => {
    const tiles = Math.ceil(g.outChannels / WEIGHT_GRAD_TILE) * Math.ceil(g.inChannels / WEIGHT_GRAD_TILE);
    return Math.ceil((tiles * g.kernelH * g.kernelW) / NAIVE_WORKGROUP);
  },
};

/**
 * Rung 3 of the transposed convolution: workgroups cover the blocks of one stride phase's rows (x), channel
 * tiles (y) and (batch entry, phase) pairs (z); a block is PHASE_PIXEL_TILE pixels of one row spaced by the stride.
 */
const convTranspose2dPhaseTiled: ConvKernel = {
  name: 'conv_transpose2d_phase_tiled',
  source: (g) => tileHeader({ IN_CHANNEL_TILE: phaseChannelTile(g), PIXEL_TILE: PHASE_PIXEL_TILE }) + commonSource + convTranspose2dPhaseTiledSource,
  constants: () => ({ WG: TILED_WORKGROUP }),
  workgroups: (g) => {
    const rows = Math.ceil(g.inH / g.strideH);
    const blocksPerRow = Math.ceil(Math.ceil(g.inW / g.strideW) / PHASE_PIXEL_TILE);
    const phases = g.strideH * g.strideW;
    return [Math.ceil((rows * blocksPerRow) / TILED_WORKGROUP), Math.ceil(g.inChannels / phaseChannelTile(g)), g.batch * phases];
  },
};

/** Winograd F(2x2, 3x3): 2.25x fewer products than the direct sum where the engine's F(4x4) has 4x. */
const WINOGRAD_F2: WinogradTransform = { m: 2, source: winogradF2Source };

export const convLadder: Record<ConvKernelName, ConvKernel[]> = {
  conv2d: [
    naive('conv2d_naive', conv2dNaiveSource, ySize),
    rowTiled('conv2d_register_tiled', conv2dRegisterTiledSource, 'OUT_CHANNEL_TILE', (g) => [g.outChannels, g.outH, g.outW]),
    convKernels.conv2d,
    convSubgroupKernels.conv2d,
    winogradKernel('conv2d', 'conv2d_winograd_f2', WINOGRAD_F2),
    winogradKernels.conv2d,
  ],
  convTranspose2d: [
    naive('conv_transpose2d_naive', convTranspose2dNaiveSource, xSize),
    rowTiled('conv_transpose2d_register_tiled', convTranspose2dRegisterTiledSource, 'IN_CHANNEL_TILE', (g) => [g.inChannels, g.inH, g.inW]),
    convTranspose2dPhaseTiled,
    convKernels.convTranspose2d,
    convSubgroupKernels.convTranspose2d,
    winogradKernel('convTranspose2d', 'conv_transpose2d_winograd_f2', WINOGRAD_F2),
    winogradKernels.convTranspose2d,
  ],
  conv2dWeightGrad: [
    naive('conv2d_weight_grad_naive', weightGradNaiveSource, wSize),
    weightGradRegisterTiled,
    convKernels.conv2dWeightGrad,
    convSubgroupKernels.conv2dWeightGrad,
    winogradKernel('conv2dWeightGrad', 'conv2d_weight_grad_winograd_f2', WINOGRAD_F2),
    winogradKernels.conv2dWeightGrad,
  ],
};

/** Every strategy, in ladder order: the transposed convolution's ladder is the one with all four. */
export const CONV_STRATEGIES = convLadder.convTranspose2d.map((rung) => strategyOf('convTranspose2d', rung));
