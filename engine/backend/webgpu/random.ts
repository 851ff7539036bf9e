// WebGPU random kernel dispatch: shaders/philox.wgsl + shaders/random.wgsl, the same stream as the CPU.
import { packRandomParams, randomKernelSource } from '../../random/kernel.js';
import { registerGpuKernel } from './registry.js';

const RANDOM_WORKGROUP = 256;

registerGpuKernel('random', {
  label: ({ kind }) => `random ${kind}`,
  source: () => randomKernelSource,
  constants: () => ({ WG: RANDOM_WORKGROUP }),
  uniforms: ({ kind, n, seed, blockOffset, a, b }) =>
    packRandomParams({ kind, n, seed, blockOffset, low: a, high: b, mean: a, std: b }),
  workgroups: ({ n }) => Math.ceil(n / RANDOM_WORKGROUP),
});
