// WebGPU reduction kernel dispatch: one workgroup per output element.
import reduceSource from '../../../shaders/reduce.wgsl';
import { UniformWriter, registerGpuKernel } from './registry.js';

/** Threads that share one output's reduction (a power of two). */
export const REDUCE_WORKGROUP = 64;

registerGpuKernel('reduce', {
  label: ({ op }) => `reduce ${op}`,
  source: () => reduceSource,
  constants: ({ op }) => ({ WG: REDUCE_WORKGROUP, OP: op === 'sum' ? 0 : 1 }),
  uniforms: ({ outer, inner }) => new UniformWriter().u32(outer).u32(inner).finish(),
  workgroups: ({ outer }) => outer,
});
