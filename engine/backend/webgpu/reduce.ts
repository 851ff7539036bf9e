// WebGPU reduction kernels: over the last axis one workgroup per output (a tree in workgroup memory,
// shaders/reduce.wgsl); over an axis with kept axes after it one thread per output (shaders/reduce_strided.wgsl).
import indexCommonSource from '../../../shaders/index_common.wgsl';
import reduceSource from '../../../shaders/reduce.wgsl';
import reduceStridedSource from '../../../shaders/reduce_strided.wgsl';
import { UniformWriter, registerGpuKernel } from './registry.js';

/** Threads that share one output's reduction (a power of two). */
export const REDUCE_WORKGROUP = 64;
/** Threads per workgroup of the strided reduction, one output each. */
const STRIDED_WORKGROUP = 64;

registerGpuKernel('reduce', {
  label: ({ op, inner }) => `reduce ${op}${inner > 1 ? ' strided' : ''}`,
  source: ({ inner }) => indexCommonSource + (inner > 1 ? reduceStridedSource : reduceSource),
  constants: ({ op, inner }) => ({ WG: inner > 1 ? STRIDED_WORKGROUP : REDUCE_WORKGROUP, OP: op === 'sum' ? 0 : 1 }),
  uniforms: ({ outer, reduced, inner }) => new UniformWriter().u32(outer).u32(reduced).u32(inner).finish(),
  workgroups: ({ outer, inner }) => (inner > 1 ? Math.ceil((outer * inner) / STRIDED_WORKGROUP) : outer),
});
