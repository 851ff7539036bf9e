// The matmul ladder, slowest rung first: the engine's kernels (engine/backend/webgpu/matmul.ts) and
// the rung it leaves out, whose shader lives beside this file. bench/matmul checks every rung against the
// float64 CPU reference, then times it (npm run bench:matmul -- --rungs matmul_workgroup_tiled,matmul_blocked);
// test/matmul.test.ts checks every rung too. Results: bench/results/matmul-lavapipe.md.
import workgroupTiledSource from './matmul_workgroup_tiled.wgsl';
import { matmulBlocked, matmulBlockedSubgroup, matmulBlockedVec4, matmulBlockedVec4Subgroup, matmulNaive, transposeFlags, type MatmulKernel } from '../../engine/backend/webgpu/matmul.js';

const TILE = 16; // the workgroup is TILE x TILE threads, one output each; tiles of A and B are TILE x TILE

/** Rung 2: workgroup tiles of A and B in workgroup memory (bench/ladder/matmul_workgroup_tiled.wgsl). */
export const matmulWorkgroupTiled: MatmulKernel = {
  name: 'matmul_workgroup_tiled',
  source: () => workgroupTiledSource,
  constants: (p) => ({ TILE, ...transposeFlags(p) }),
  workgroups: (p) => [Math.ceil(p.N / TILE), Math.ceil(p.M / TILE), p.batch],
};

export const matmulLadder: MatmulKernel[] = [matmulNaive, matmulWorkgroupTiled, matmulBlocked, matmulBlockedVec4, matmulBlockedSubgroup, matmulBlockedVec4Subgroup];
