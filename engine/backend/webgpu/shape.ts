// WebGPU shape kernels: strided copy and gather (forward and backward) dispatch.
import copySource from '../../../shaders/copy.wgsl';
import gatherSource from '../../../shaders/gather.wgsl';
import indexCommonSource from '../../../shaders/index_common.wgsl';
import { MAX_RANK, RANK_VEC4S, elementwiseBlocks as blocks, elementwiseConstants as constants, isContiguous, operandAccess, stridedPrelude } from './elementwise.js';
import { sizeOf } from '../../shape.js';
import { UniformWriter, registerGpuKernel } from './registry.js';


registerGpuKernel('copy', {
  source: () => `${stridedPrelude}${copySource}`,
  constants: ({ shape, inStrides, outStrides }) => ({
    ...constants(),
    OUT_CONTIGUOUS: Number(isContiguous(shape, outStrides)),
    IN_MODE: operandAccess(shape, inStrides).mode,
  }),
  uniforms: ({ shape, inOffset, inStrides, outOffset, outStrides }) => {
    if (shape.length > MAX_RANK) throw new Error(`copy: rank ${shape.length} exceeds the WebGPU kernels' ${MAX_RANK}`);
    const access = operandAccess(shape, inStrides);
    return new UniformWriter()
      .u32(sizeOf(shape))
      .u32(shape.length)
      .u32(inOffset)
      .u32(outOffset)
      .u32(access.div)
      .u32(access.mod)
      .u32Vec4Array(shape, RANK_VEC4S)
      .u32Vec4Array(inStrides, RANK_VEC4S)
      .u32Vec4Array(outStrides, RANK_VEC4S)
      .finish();
  },
  workgroups: ({ shape }) => blocks(sizeOf(shape)),
});

type GatherParams = { outer: number; axisSize: number; count: number; inner: number };
const gatherUniforms = ({ outer, axisSize, count, inner }: GatherParams) =>
  new UniformWriter().u32(outer).u32(axisSize).u32(count).u32(inner).finish();

registerGpuKernel('gather', {
  source: () => indexCommonSource + gatherSource,
  entryPoint: 'gather',
  constants,
  uniforms: gatherUniforms,
  workgroups: ({ outer, count, inner }) => blocks(outer * count * inner),
});

registerGpuKernel('gatherBackward', {
  source: () => indexCommonSource + gatherSource,
  entryPoint: 'gather_backward',
  constants,
  uniforms: gatherUniforms,
  workgroups: ({ outer, axisSize, inner }) => blocks(outer * axisSize * inner),
});
