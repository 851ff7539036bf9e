// WebGPU optimizer updates: the fused in-place Adam and SGD kernels (the float32 twins of
// backend/cpu/optim.ts). The parameter and its state are bound as read_write outputs.
import adamUpdateSource from '../../../shaders/adam_update.wgsl';
import sgdUpdateSource from '../../../shaders/sgd_update.wgsl';
import { UniformWriter, registerGpuKernel } from './registry.js';

const OPTIMIZER_WORKGROUP = 256;
const constants = () => ({ WG: OPTIMIZER_WORKGROUP });
const blocks = ({ n }: { n: number }) => Math.ceil(n / OPTIMIZER_WORKGROUP);

registerGpuKernel('adamUpdate', {
  source: () => adamUpdateSource,
  constants,
  uniforms: (p) =>
    new UniformWriter()
      .u32(p.n)
      .f32(p.beta1)
      .f32(p.beta2)
      .f32(p.eps)
      .f32(p.weightDecay)
      .f32(p.stepSize)
      .f32(p.biasCorrection2Sqrt)
      .finish(),
  workgroups: blocks,
});

registerGpuKernel('sgdUpdate', {
  source: () => sgdUpdateSource,
  constants,
  uniforms: (p) =>
    new UniformWriter().u32(p.n).f32(p.lr).f32(p.momentum).f32(p.weightDecay).u32(Number(p.firstStep)).finish(),
  workgroups: blocks,
});
