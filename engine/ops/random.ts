// Random tensors from the counter-based Philox generator (engine/random/philox.ts). The engine keeps one
// stream position (seed, next block); each draw takes the next blocks, so the same seed gives the same
// numbers on the CPU and WebGPU backends, draw after draw.
import type { Backend } from '../backend/backend.js';
import type { RandomKind } from '../backend/contracts.js';
import { Tensor } from '../tensor.js';
import { blocksUsed } from '../random/philox.js';

const state = { seed: 0, nextBlock: 0 };

/** Restarts the engine's stream at block 0 of `seed` (like torch.manual_seed). */
export function manualSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new Error(`manualSeed: seed must be a uint32, got ${seed}`);
  state.seed = seed;
  state.nextBlock = 0;
}

/** The engine stream's position (seed and next block), saved in checkpoints. */
export interface RandomState {
  seed: number;
  nextBlock: number;
}

export function getRandomState(): RandomState {
  return { seed: state.seed, nextBlock: state.nextBlock };
}

/** Moves the engine's stream to a saved position, so the draws that follow repeat those made after it. */
export function setRandomState({ seed, nextBlock }: RandomState): void {
  const isUint32 = (v: number) => Number.isInteger(v) && v >= 0 && v < 2 ** 32;
  if (!isUint32(seed) || !isUint32(nextBlock)) throw new Error(`setRandomState: seed ${seed} and nextBlock ${nextBlock} must be uint32s`);
  state.seed = seed;
  state.nextBlock = nextBlock;
}

export interface DrawOptions {
  /** draw from block 0 of this seed instead of the engine's stream (which is then left untouched) */
  seed?: number;
  backend?: Backend;
}

function draw(kind: RandomKind, shape: readonly number[], a: number, b: number, options: DrawOptions): Tensor {
  const out = Tensor.empty(shape, options.backend);
  let seed: number;
  let blockOffset: number;
  if (options.seed !== undefined) {
    seed = options.seed;
    blockOffset = 0;
  } else {
    seed = state.seed;
    blockOffset = state.nextBlock;
    state.nextBlock = (state.nextBlock + blocksUsed(kind, out.size)) >>> 0;
  }
  out.backend.run('random', [], [out.storage], { kind, n: out.size, seed, blockOffset, a, b });
  return out;
}

/** Uniform on (low, high). */
export function rand(shape: readonly number[], options: DrawOptions & { low?: number; high?: number } = {}): Tensor {
  return draw('uniform', shape, options.low ?? 0, options.high ?? 1, options);
}

/** Normal with the given mean and standard deviation. */
export function randn(shape: readonly number[], options: DrawOptions & { mean?: number; std?: number } = {}): Tensor {
  return draw('normal', shape, options.mean ?? 0, options.std ?? 1, options);
}

/** Standard Gumbel noise, -log(-log u), for Gumbel-softmax sampling. */
export function randGumbel(shape: readonly number[], options: DrawOptions = {}): Tensor {
  return draw('gumbel', shape, 0, 1, options);
}
