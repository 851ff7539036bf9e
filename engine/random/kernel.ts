// What a GPU backend needs to run shaders/random.wgsl: the full shader source (index_common.wgsl and
// philox.wgsl prepended), the kind codes and the 32-byte Params uniform block.
import indexCommonSource from '../../shaders/index_common.wgsl';
import philoxSource from '../../shaders/philox.wgsl';
import randomSource from '../../shaders/random.wgsl';
import type { RandomKind } from '../backend/contracts.js';

/** index_common.wgsl + philox.wgsl + random.wgsl: the random kernel as one module; set the override WG when creating it. */
export const randomKernelSource = `${indexCommonSource}${philoxSource}\n${randomSource}`;

/** Params.kind in shaders/random.wgsl (KIND_UNIFORM, KIND_NORMAL, KIND_GUMBEL). */
export const RANDOM_KIND_CODES: Record<RandomKind, number> = { uniform: 0, normal: 1, gumbel: 2 };

export interface RandomParams {
  n: number;
  seed: number;
  blockOffset: number;
  kind: RandomKind;
  low?: number; // uniform: low + (high - low) * u, default (0, 1)
  high?: number;
  mean?: number; // normal: mean + std * z, default (0, 1)
  std?: number;
}

/**
 * The Params uniform block, 8 fields of 4 bytes:
 *   struct Params { n, seed, block_offset, kind: u32, low, high, mean, std_dev: f32 }
 */
export function packRandomParams(params: RandomParams): ArrayBuffer {
  const { n, seed, blockOffset, kind } = params;
  for (const [name, value] of Object.entries({ n, seed, blockOffset })) {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** 32) {
      throw new Error(`packRandomParams: ${name} must be a uint32, got ${value}`);
    }
  }
  if (!(kind in RANDOM_KIND_CODES)) {
    throw new Error(`packRandomParams: kind must be uniform, normal or gumbel, got ${kind}`);
  }
  const buffer = new ArrayBuffer(8 * 4);
  new Uint32Array(buffer, 0, 4).set([n, seed, blockOffset, RANDOM_KIND_CODES[kind]]);
  new Float32Array(buffer, 4 * 4, 4).set([
    params.low ?? 0,
    params.high ?? 1,
    params.mean ?? 0,
    params.std ?? 1,
  ]);
  return buffer;
}
