// WebGPU convolution kernels: a ladder of versions per kernel (shaders/conv*_v*.wgsl, each prefixed with
// shaders/conv_common.wgsl) and the choice of version. bench/conv checks every version against the CPU
// reference and times it; the engine runs the last version of each ladder, the fastest correct one.
import commonSource from '../../../shaders/conv_common.wgsl';
import conv2dV1Source from '../../../shaders/conv2d_v1.wgsl';
import conv2dV2Source from '../../../shaders/conv2d_v2.wgsl';
import convTranspose2dV1Source from '../../../shaders/conv_transpose2d_v1.wgsl';
import weightGradV1Source from '../../../shaders/conv2d_weight_grad_v1.wgsl';
import type { ConvGeometry } from '../../ops/conv.js';
import { UniformWriter, registerGpuKernel } from './registry.js';
// The rest of the family (pooling, upsampling).
import './pool.js';

export type ConvKernelName = 'conv2d' | 'convTranspose2d' | 'conv2dWeightGrad';

export interface ConvVersion {
  name: string;
  /** full WGSL source, common prelude included */
  source: string;
  constants: Record<string, number>;
  workgroups: (g: ConvGeometry) => [number, number, number] | number;
}

/** Invocations per workgroup of the one-output-per-invocation versions. */
const NAIVE_WORKGROUP = 64;

/** conv2d v2 register tile: output channels x neighbouring pixels of a row per invocation, and invocations per workgroup. */
const V2_OUT_CHANNEL_TILE = 8;
const V2_PIXEL_TILE = 4;
const V2_WORKGROUP = 64;

const naive = (name: string, source: string, outputs: (g: ConvGeometry) => number): ConvVersion => ({
  name,
  source: commonSource + source,
  constants: { WG: NAIVE_WORKGROUP },
  workgroups: (g) => Math.ceil(outputs(g) / NAIVE_WORKGROUP),
});

const ySize = (g: ConvGeometry) => g.batch * g.outChannels * g.outH * g.outW;
const xSize = (g: ConvGeometry) => g.batch * g.inChannels * g.inH * g.inW;
const wSize = (g: ConvGeometry) => g.outChannels * g.inChannels * g.kernelH * g.kernelW;

export const convVersions: Record<ConvKernelName, ConvVersion[]> = {
  conv2d: [
    naive('v1', conv2dV1Source, ySize),
    {
      name: 'v2',
      source:
        `const OUT_CHANNEL_TILE: u32 = ${V2_OUT_CHANNEL_TILE}u;\nconst PIXEL_TILE: u32 = ${V2_PIXEL_TILE}u;\n` +
        commonSource +
        conv2dV2Source,
      constants: { WG: V2_WORKGROUP },
      workgroups: (g) => [
        Math.ceil((g.outH * Math.ceil(g.outW / V2_PIXEL_TILE)) / V2_WORKGROUP),
        Math.ceil(g.outChannels / V2_OUT_CHANNEL_TILE),
        g.batch,
      ],
    },
  ],
  convTranspose2d: [naive('v1', convTranspose2dV1Source, xSize)],
  conv2dWeightGrad: [naive('v1', weightGradV1Source, wSize)],
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

for (const kernel of ['conv2d', 'convTranspose2d', 'conv2dWeightGrad'] as const) {
  registerGpuKernel(kernel, {
    label: () => `${kernel} ${chooseConvVersion(kernel).name}`,
    source: () => chooseConvVersion(kernel).source,
    constants: () => chooseConvVersion(kernel).constants,
    uniforms: (p) => convUniforms(p, 'hasBias' in p ? p.hasBias : false),
    workgroups: (p) => chooseConvVersion(kernel).workgroups(p),
  });
}
