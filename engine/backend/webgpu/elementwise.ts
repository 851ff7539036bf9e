// WebGPU elementwise kernels: how fill/unary/binary/where are dispatched, and the source each gets: the op's
// WGSL expression (declared in the op table of ops/elementwise.ts, passed in the kernel's record) wrapped in
// `fn op`, then the shader that applies it to every element.
import fillSource from '../../../shaders/fill.wgsl';
import unarySource from '../../../shaders/unary.wgsl';
import unaryVec4Source from '../../../shaders/unary_vec4.wgsl';
import binarySource from '../../../shaders/binary.wgsl';
import binaryVec4Source from '../../../shaders/binary_vec4.wgsl';
import whereSource from '../../../shaders/where.wgsl';
import whereVec4Source from '../../../shaders/where_vec4.wgsl';
import broadcastSource from '../../../shaders/broadcast_common.wgsl';
import indexCommonSource from '../../../shaders/index_common.wgsl';
import stridedCommonSource from '../../../shaders/strided_common.wgsl';
import { sizeOf, stridesOf } from '../../shape.js';
import { UniformWriter, registerGpuKernel } from './registry.js';

/** Threads per workgroup of every elementwise kernel. */
export const ELEMENTWISE_WORKGROUP = 256;
/** Most axes a strided kernel handles; the uniform arrays hold 4 axes per vec4. */
export const MAX_RANK = 8;
export const RANK_VEC4S = MAX_RANK / 4;
const rankHeader = `const RANK_VEC4S: u32 = ${RANK_VEC4S}u;\n`;
/** What every strided kernel starts with: the rank constant, the flat index and the coordinate walk. */
export const stridedPrelude = `${rankHeader}${indexCommonSource}${stridedCommonSource}`;
const broadcastPrelude = `${stridedPrelude}${broadcastSource}`;

/** The override constants and workgroup count of a one-thread-per-element kernel (shape.ts uses them too). */
export const elementwiseConstants = () => ({ WG: ELEMENTWISE_WORKGROUP });
export const elementwiseBlocks = (n: number) => Math.ceil(n / ELEMENTWISE_WORKGROUP);
const constants = elementwiseConstants;
const blocks = elementwiseBlocks;

function checkRank(op: string, shape: number[]): void {
  if (shape.length > MAX_RANK) throw new Error(`${op}: rank ${shape.length} exceeds the WebGPU kernels' ${MAX_RANK}`);
}

/** Whether strides are shape's own row-major strides (size-1 axes may have any). */
export function isContiguous(shape: number[], strides: number[]): boolean {
  const own = stridesOf(shape);
  return strides.every((s, d) => s === own[d] || shape[d] === 1);
}

registerGpuKernel('fill', {
  source: () => indexCommonSource + fillSource,
  constants,
  uniforms: ({ n, value }) => new UniformWriter().u32(n).f32(value).finish(),
  workgroups: ({ n }) => blocks(n),
});

/** Elementwise kernels run four elements per thread (the *_vec4.wgsl twins) when n % 4 == 0. */
const FLOATS_PER_VEC4 = 4;
const inQuads = (n: number) => n % FLOATS_PER_VEC4 === 0;

registerGpuKernel('unary', {
  label: ({ op, n }) => `unary ${op.name}${inQuads(n) ? ' vec4' : ''}`,
  source: ({ op, n }) =>
    `${op.wgslHelpers ?? ''}fn op(x: f32, alpha: f32) -> f32 { return ${op.wgsl}; }\n${indexCommonSource}${inQuads(n) ? unaryVec4Source : unarySource}`,
  constants,
  uniforms: ({ n, alpha }) => new UniformWriter().u32(n).f32(alpha).finish(),
  workgroups: ({ n }) => blocks(inQuads(n) ? n / FLOATS_PER_VEC4 : n),
});

/** The access modes of shaders/broadcast_common.wgsl. */
const FULL = 0;
const SCALAR = 1;
const DIVMOD = 2;
const STRIDED = 3;

interface OperandAccess {
  mode: number;
  div: number;
  mod: number;
}

/**
 * How a kernel reads an operand with broadcast `strides` for output element i of `shape`: at i (FULL),
 * at 0 (SCALAR), at (i / div) % mod when the axes it has form one contiguous run laid out row-major
 * (DIVMOD: a bias over the last axis, a per-channel value over (B, C, H, W)), else by the strided walk.
 */
export function operandAccess(shape: number[], strides: number[]): OperandAccess {
  if (isContiguous(shape, strides)) return { mode: FULL, div: 1, mod: 1 };
  const present = shape.map((_, d) => d).filter((d) => strides[d] !== 0 && shape[d] !== 1);
  if (present.length === 0) return { mode: SCALAR, div: 1, mod: 1 };
  const first = present[0];
  const last = present[present.length - 1];
  let expected = 1;
  for (let d = last; d >= first; d--) {
    if (shape[d] === 1) continue;
    if (strides[d] !== expected) return { mode: STRIDED, div: 1, mod: 1 };
    expected *= shape[d];
  }
  return { mode: DIVMOD, div: sizeOf(shape.slice(last + 1)), mod: expected };
}

/** The uniform record of shaders/broadcast_common.wgsl for up to three operands. */
function broadcastUniforms(op: string, shape: number[], operandStrides: number[][], alpha = 0): ArrayBuffer {
  checkRank(op, shape);
  const access = operandStrides.map((strides) => operandAccess(shape, strides));
  const writer = new UniformWriter().u32(sizeOf(shape)).u32(shape.length).f32(alpha).u32Vec4Array(shape, RANK_VEC4S);
  writer.u32Vec4Array(access.flatMap((a) => [a.div, a.mod, 0, 0]), 3);
  for (let k = 0; k < 3; k++) writer.u32Vec4Array(operandStrides[k] ?? [], RANK_VEC4S);
  return writer.finish();
}

const modeOf = (shape: number[], strides: number[]) => operandAccess(shape, strides).mode;

/**
 * Whether a broadcast kernel runs four elements per thread: n % 4 == 0 and every operand's four values of a
 * thread are one aligned quad (FULL; DIVMOD over a row of a multiple of 4) or one value (SCALAR; DIVMOD whose
 * div is a multiple of 4, as a per-channel value over 28x28 maps).
 */
function broadcastVec4(shape: number[], ...operandStrides: number[][]): boolean {
  const quadReadable = (strides: number[]) => {
    const { mode, div, mod } = operandAccess(shape, strides);
    if (mode === DIVMOD) return (div === 1 && inQuads(mod)) || inQuads(div);
    return mode === FULL || mode === SCALAR;
  };
  return inQuads(sizeOf(shape)) && operandStrides.every(quadReadable);
}

registerGpuKernel('binary', {
  label: ({ op, shape, aStrides, bStrides }) => `binary ${op.name}${broadcastVec4(shape, aStrides, bStrides) ? ' vec4' : ''}`,
  source: ({ op, shape, aStrides, bStrides }) =>
    `${op.wgslHelpers ?? ''}fn op(a: f32, b: f32, alpha: f32) -> f32 { return ${op.wgsl}; }\n${broadcastPrelude}${
      broadcastVec4(shape, aStrides, bStrides) ? binaryVec4Source : binarySource
    }`,
  constants: ({ shape, aStrides, bStrides }) => ({
    WG: ELEMENTWISE_WORKGROUP,
    MODE_A: modeOf(shape, aStrides),
    MODE_B: modeOf(shape, bStrides),
  }),
  uniforms: ({ op, shape, aStrides, bStrides, alpha }) => broadcastUniforms(op.name, shape, [aStrides, bStrides], alpha),
  workgroups: ({ shape, aStrides, bStrides }) => blocks(sizeOf(shape) / (broadcastVec4(shape, aStrides, bStrides) ? FLOATS_PER_VEC4 : 1)),
});

registerGpuKernel('where', {
  label: ({ shape, condStrides, aStrides, bStrides }) => `where${broadcastVec4(shape, condStrides, aStrides, bStrides) ? ' vec4' : ''}`,
  source: ({ shape, condStrides, aStrides, bStrides }) =>
    `${broadcastPrelude}${broadcastVec4(shape, condStrides, aStrides, bStrides) ? whereVec4Source : whereSource}`,
  constants: ({ shape, condStrides, aStrides, bStrides }) => ({
    WG: ELEMENTWISE_WORKGROUP,
    MODE_COND: modeOf(shape, condStrides),
    MODE_A: modeOf(shape, aStrides),
    MODE_B: modeOf(shape, bStrides),
  }),
  uniforms: ({ shape, condStrides, aStrides, bStrides }) => broadcastUniforms('where', shape, [condStrides, aStrides, bStrides]),
  workgroups: ({ shape, condStrides, aStrides, bStrides }) =>
    blocks(sizeOf(shape) / (broadcastVec4(shape, condStrides, aStrides, bStrides) ? FLOATS_PER_VEC4 : 1)),
});
