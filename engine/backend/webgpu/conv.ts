// WebGPU convolution kernels: the engine runs each of the three as an implicit GEMM
// (shaders/*_implicit_gemm.wgsl, each prefixed with a rows prelude and shaders/conv_common.wgsl), blocked
// per shape class by per-adapter tuning, its rows shared by subgroup shuffles where the device has
// subgroups (rows.ts), or, for 3x3 convolutions of stride 1 with enough channels, as a Winograd F(4x4, 3x3)
// convolution (winograd.ts). The earlier rungs of each ladder (naive, register-tiled, stride-phase gathers,
// Winograd F(2x2)) live in bench/ladder/conv.ts; bench/conv checks every rung against the CPU reference and
// times it (bench/results/conv-lavapipe.md).
import commonSource from '../../../shaders/conv_common.wgsl';
import conv2dImplicitGemmSource from '../../../shaders/conv2d_implicit_gemm.wgsl';
import convTranspose2dImplicitGemmSource from '../../../shaders/conv_transpose2d_implicit_gemm.wgsl';
import weightGradImplicitGemmSource from '../../../shaders/conv2d_weight_grad_implicit_gemm.wgsl';
import type { ConvGeometry } from '../contracts.js';
import { UniformWriter, kernelOverride, registerGpuKernel, variantKernel, type KernelVariant } from './registry.js';
import { registerTunable, sizeBucket, tunedCandidate } from './tuning.js';
import { bestSharing, canShare, hasSubgroups, rowsPrelude, sharedName, type RowSharing } from './rows.js';
import { WINOGRAD_F4, winogradKernel, winogradSupports } from './winograd.js';
// The rest of the family (pooling, upsampling).
import './pool.js';

export type ConvKernelName = 'conv2d' | 'convTranspose2d' | 'conv2dWeightGrad';

/** One way to compute a conv kernel, named after its shader file; its source has the common prelude included. */
export type ConvKernel = KernelVariant<ConvGeometry>;

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
function gemmTile(kernel: ConvKernelName, g: ConvGeometry, sharing: RowSharing): GemmTile {
  const tuned = tunedCandidate(kernel, g);
  return tuned && GEMM_TILE_CANDIDATES.includes(tuned) ? parseTile(tuned) : defaultGemmTile(GEMM_SHAPES[kernel](g).rows, sharing);
}

/** WGSL `const` declarations for a tiled kernel's register tile (generated; the shader declares none). */
export function tileHeader(tiles: Record<string, number>): string {
  return Object.entries(tiles)
    .map(([name, value]) => `const ${name}: u32 = ${value}u;\n`)
    .join('');
}

/** An implicit-GEMM kernel's blocking: WG threads, each TM rows (channels) x TN columns (pixels or taps). */
export interface GemmTile {
  wg: number;
  tm: number;
  tn: number;
}

/**
 * The blocking when nothing was tuned for this adapter: 8 threads x 16 rows x 8 columns, the fastest of
 * the blockings timed on lavapipe (bench/results/compare-lavapipe.md), 32 rows where a side has more than 16
 * channels when subgroups share the rows (more rows per gathered column then pay: a CycleGAN assignment
 * step 7% faster; 64 rows are 3x slower, past what the compiler unrolls); fewer rows when a side has at most 8
 * channels (the generators' and decoders' 3-channel layers), so few rows are computed only to be dropped.
 */
export function defaultGemmTile(rows: number, sharing: RowSharing): GemmTile {
  return { wg: 8, tm: rows <= 4 ? 4 : rows <= 8 ? 8 : rows <= 16 || sharing === 'uniform' ? 16 : 32, tn: 8 };
}

/**
 * The blockings per-adapter tuning chooses among (engine/backend/webgpu/tuning.ts), named `WGxTMxTN`:
 * few threads with large register blocks (a CPU's SIMD lanes, lavapipe) to many threads with small
 * ones (a GPU's, which needs thousands of threads in flight and spills large blocks).
 */
export const GEMM_TILE_CANDIDATES = ['8x16x8', '8x32x8', '8x8x8', '8x4x8', '8x16x16', '16x16x8', '32x8x4', '64x4x4', '128x4x2', '256x2x2'];

export const tileName = (t: GemmTile) => `${t.wg}x${t.tm}x${t.tn}`;

function parseTile(name: string): GemmTile {
  const [wg, tm, tn] = name.split('x').map(Number);
  return { wg, tm, tn };
}

/**
 * The implicit-GEMM kernel of `kernel`: rows are one side's channels (W's rows, read uniformly by the
 * workgroup), columns are pixels (or, for the weight gradient, taps); workgroups cover column blocks (x),
 * row blocks (y) and, for the transposed kernel, stride phases (z); the blocking is gemmTile's.
 */
function implicitGemm(kernel: ConvKernelName, name: string, source: string, sharing: RowSharing): ConvKernel {
  return {
    name: sharedName(name, sharing),
    supports: () => canShare(sharing),
    blocking: (g) => tileName(gemmTile(kernel, g, sharing)),
    source: (g) => {
      const { wg, tm, tn } = gemmTile(kernel, g, sharing);
      return rowsPrelude(sharing, tm, wg) + tileHeader({ TM: tm, TN: tn }) + commonSource + source;
    },
    constants: (g) => ({ WG: gemmTile(kernel, g, sharing).wg }),
    workgroups: (g) => {
      const { wg, tm, tn } = gemmTile(kernel, g, sharing);
      const { rows, columns, phases } = GEMM_SHAPES[kernel](g);
      return [Math.ceil(columns / (wg * tn)), Math.ceil(rows / tm), phases];
    },
  };
}

const implicitGemms = (sharing: RowSharing): Record<ConvKernelName, ConvKernel> => ({
  conv2d: implicitGemm('conv2d', 'conv2d_implicit_gemm', conv2dImplicitGemmSource, sharing),
  convTranspose2d: implicitGemm('convTranspose2d', 'conv_transpose2d_implicit_gemm', convTranspose2dImplicitGemmSource, sharing),
  conv2dWeightGrad: implicitGemm('conv2dWeightGrad', 'conv2d_weight_grad_implicit_gemm', weightGradImplicitGemmSource, sharing),
});

/** The implicit GEMMs, with their rows loaded by every thread (convKernels) or shared by subgroup shuffles. */
export const convKernels = implicitGemms('uniform');
export const convSubgroupKernels = implicitGemms('subgroup');

/** The three kernels as Winograd F(4x4, 3x3) convolutions (winograd.ts); a tuning candidate. */
export const winogradKernels: Record<ConvKernelName, ConvKernel> = {
  conv2d: winogradKernel('conv2d', 'conv2d_winograd_f4', WINOGRAD_F4),
  convTranspose2d: winogradKernel('convTranspose2d', 'conv_transpose2d_winograd_f4', WINOGRAD_F4),
  conv2dWeightGrad: winogradKernel('conv2dWeightGrad', 'conv2d_weight_grad_winograd_f4', WINOGRAD_F4),
};
export const WINOGRAD = 'winograd_f4';

/**
 * Channels on both sides from which the rule runs a 3x3 stride-1 convolution's kernel as Winograd F(4x4):
 * below, the transforms cost more than the products save (bench/results/conv-lavapipe.md).
 */
const WINOGRAD_MIN_CHANNELS: Record<ConvKernelName, number> = { conv2d: 16, convTranspose2d: 16, conv2dWeightGrad: 32 };

/**
 * The kernel a call runs: the override of a bench or test (withKernel), else the adapter's tuned choice,
 * else the rule: Winograd F(4x4) for 3x3 stride-1 convolutions with at least WINOGRAD_MIN_CHANNELS
 * channels on each side, the implicit GEMM of the best sharing elsewhere.
 */
export function chooseConvKernel(kernel: ConvKernelName, g: ConvGeometry): ConvKernel {
  // every conv variant reads a ConvGeometry alone (hasBias reaches the shader through the uniforms)
  const overridden = kernelOverride(kernel) as ConvKernel | undefined;
  if (overridden?.supports && !overridden.supports(g)) {
    const device = hasSubgroups() ? '' : ' on this device, which has no subgroups, or';
    throw new Error(`${kernel}: ${overridden.name} cannot run${device} on ${describeGeometry(g)}`);
  }
  if (overridden) return overridden;
  const rule = winogradSupports(kernel, g) && Math.min(g.inChannels, g.outChannels) >= WINOGRAD_MIN_CHANNELS[kernel] ? WINOGRAD : null;
  if ((tunedCandidate(kernel, g) ?? rule) === WINOGRAD) return winogradKernels[kernel];
  return (bestSharing() === 'subgroup' ? convSubgroupKernels : convKernels)[kernel];
}

/** A call's geometry in conv2d's terms, for error messages. */
const describeGeometry = (g: ConvGeometry) =>
  `x (${g.batch}, ${g.inChannels}, ${g.inH}, ${g.inW}), w (${g.outChannels}, ${g.inChannels}, ${g.kernelH}, ${g.kernelW}), ` +
  `stride [${g.strideH}, ${g.strideW}], padding [${g.padH}, ${g.padW}], dilation [${g.dilationH}, ${g.dilationW}] (in conv2d's terms)`;

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
  // a class of 3x3 stride-1 calls (' 3x3s1') has the Winograd candidate too
  registerTunable<ConvGeometry>({
    kernel,
    candidates: [...GEMM_TILE_CANDIDATES, WINOGRAD],
    supports: (candidate, g) => candidate !== WINOGRAD || winogradSupports(kernel, g),
    shapeClass: (g) => {
      const { rows, columns, reduction } = GEMM_SHAPES[kernel](g);
      return `${sizeBucket(rows)}x${sizeBucket(columns)}x${sizeBucket(reduction)}${winogradSupports(kernel, g) ? ' 3x3s1' : ''}`;
    },
    operandSizes: (g) => convOperandSizes(kernel, g),
  });
  registerGpuKernel(
    kernel,
    variantKernel<typeof kernel>((g) => chooseConvKernel(kernel, g), {
      uniforms: (p) => convUniforms(p, 'hasBias' in p ? p.hasBias : false),
      // the same count for all three: every pass multiplies each (output pixel, tap, channel pair) once
      flops: (g) => 2 * g.batch * g.outChannels * g.outH * g.outW * g.inChannels * g.kernelH * g.kernelW,
    }),
  );
}
