// WebGPU matmul: the kernel ladder (shaders/matmul_v*.wgsl) and the choice of version per shape.
// bench/matmul checks every version against the CPU reference and times it.
import matmulV1Source from '../../../shaders/matmul_v1.wgsl';
import type { KernelParams } from '../backend.js';
import { UniformWriter, registerGpuKernel } from './registry.js';

type MatmulParams = KernelParams['matmul'];

export interface MatmulVersion {
  name: string;
  source: string;
  constants: (p: MatmulParams) => Record<string, number>;
  workgroups: (p: MatmulParams) => [number, number, number];
}

const V1_TILE = 16; // threads per workgroup along M and along N

export const matmulVersions: MatmulVersion[] = [
  {
    name: 'v1',
    source: matmulV1Source,
    constants: (p) => ({ WG_X: V1_TILE, WG_Y: V1_TILE, TRANS_A: Number(p.transA), TRANS_B: Number(p.transB) }),
    workgroups: (p) => [Math.ceil(p.N / V1_TILE), Math.ceil(p.M / V1_TILE), p.batch],
  },
];

/** The version the engine uses for this shape (overridable for benchmarks with `forceMatmulVersion`). */
let forced: string | null = null;

export function forceMatmulVersion(name: string | null): void {
  if (name !== null && !matmulVersions.some((v) => v.name === name)) throw new Error(`matmul: no version '${name}'`);
  forced = name;
}

export function chooseMatmulVersion(p: MatmulParams): MatmulVersion {
  if (forced) return matmulVersions.find((v) => v.name === forced)!;
  return matmulVersions[matmulVersions.length - 1];
}

registerGpuKernel('matmul', {
  label: (p) => `matmul ${chooseMatmulVersion(p).name}`,
  source: (p) => chooseMatmulVersion(p).source,
  constants: (p) => chooseMatmulVersion(p).constants(p),
  uniforms: (p) =>
    new UniformWriter().u32(p.batch).u32(p.M).u32(p.N).u32(p.K).u32(p.aBatchStride).u32(p.bBatchStride).finish(),
  workgroups: (p) => chooseMatmulVersion(p).workgroups(p),
});
