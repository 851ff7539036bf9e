// WebGPU pooling and upsampling kernels: one invocation per output element (forward) or per input pixel
// (backward, gathering the windows that read it). Sources are prefixed with shaders/index_common.wgsl and
// their family's common prelude.
import indexCommonSource from '../../../shaders/index_common.wgsl';
import poolCommonSource from '../../../shaders/pool_common.wgsl';
import pool2dSource from '../../../shaders/pool2d.wgsl';
import maxPoolBackwardSource from '../../../shaders/max_pool2d_backward.wgsl';
import maxPoolBackwardTiledSource from '../../../shaders/max_pool2d_backward_tiled.wgsl';
import avgPoolBackwardSource from '../../../shaders/avg_pool2d_backward.wgsl';
import upsampleCommonSource from '../../../shaders/upsample_common.wgsl';
import upsampleSource from '../../../shaders/upsample2d.wgsl';
import upsampleBackwardSource from '../../../shaders/upsample2d_backward.wgsl';
import type { PoolGeometry, UpsampleGeometry } from '../contracts.js';
import { UniformWriter, registerGpuKernel } from './registry.js';

const POOL_WORKGROUP = 64;
const blocks = (n: number) => Math.ceil(n / POOL_WORKGROUP);

/** The PoolParams record of shaders/pool_common.wgsl. */
function poolUniforms(g: PoolGeometry): ArrayBuffer {
  const fields = [g.planes, g.inH, g.inW, g.outH, g.outW, g.kernelH, g.kernelW, g.strideH, g.strideW, g.padH, g.padW];
  const writer = new UniformWriter();
  for (const value of fields) writer.u32(value);
  return writer.finish();
}

registerGpuKernel('pool2d', {
  label: ({ op }) => `${op}Pool2d`,
  source: () => indexCommonSource + poolCommonSource + pool2dSource,
  constants: ({ op }) => ({ WG: POOL_WORKGROUP, MAX_POOL: Number(op === 'max') }),
  uniforms: poolUniforms,
  workgroups: (g) => blocks(g.planes * g.outH * g.outW),
});

/** Whether the windows tile the input exactly, each pixel in one window (max_pool2d_backward_tiled.wgsl). */
export function windowsTile(g: PoolGeometry): boolean {
  const exact = (kernel: number, stride: number, pad: number, size: number, out: number) => kernel === stride && pad === 0 && size === out * stride;
  return exact(g.kernelH, g.strideH, g.padH, g.inH, g.outH) && exact(g.kernelW, g.strideW, g.padW, g.inW, g.outW);
}

// One invocation per window where the windows tile the input, else one per input pixel (gathering).
registerGpuKernel('maxPool2dBackward', {
  label: (g) => `maxPool2dBackward ${windowsTile(g) ? 'tiled' : 'gather'}`,
  source: (g) => indexCommonSource + poolCommonSource + (windowsTile(g) ? maxPoolBackwardTiledSource : maxPoolBackwardSource),
  constants: () => ({ WG: POOL_WORKGROUP }),
  uniforms: poolUniforms,
  workgroups: (g) => blocks(g.planes * (windowsTile(g) ? g.outH * g.outW : g.inH * g.inW)),
});

registerGpuKernel('avgPool2dBackward', {
  source: () => indexCommonSource + poolCommonSource + avgPoolBackwardSource,
  constants: () => ({ WG: POOL_WORKGROUP }),
  uniforms: poolUniforms,
  workgroups: (g) => blocks(g.planes * g.inH * g.inW),
});

/** The UpsampleParams record of shaders/upsample_common.wgsl. */
function upsampleUniforms(g: UpsampleGeometry): ArrayBuffer {
  return new UniformWriter().u32(g.planes).u32(g.inH).u32(g.inW).u32(g.scale).u32(Number(g.mode === 'bilinear')).finish();
}

registerGpuKernel('upsample2d', {
  label: ({ mode }) => `upsample2d ${mode}`,
  source: () => indexCommonSource + upsampleCommonSource + upsampleSource,
  constants: () => ({ WG: POOL_WORKGROUP }),
  uniforms: upsampleUniforms,
  workgroups: (g) => blocks(g.planes * g.inH * g.scale * g.inW * g.scale),
});

registerGpuKernel('upsample2dBackward', {
  label: ({ mode }) => `upsample2dBackward ${mode}`,
  source: () => indexCommonSource + upsampleCommonSource + upsampleBackwardSource,
  constants: () => ({ WG: POOL_WORKGROUP }),
  uniforms: upsampleUniforms,
  workgroups: (g) => blocks(g.planes * g.inH * g.inW),
});
