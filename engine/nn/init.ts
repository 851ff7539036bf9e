// Default parameter initialisation, as PyTorch's: Linear and Conv weights are Kaiming-uniform with
// a = sqrt(5), whose bound gain * sqrt(3 / fan_in) with gain = sqrt(2 / (1 + a^2)) simplifies to
// 1 / sqrt(fan_in); biases are U(-1/sqrt(fan_in), 1/sqrt(fan_in)) too. Draws come from the engine's seeded
// Philox stream (E.manualSeed), so the same seed gives the same parameters on the CPU and WebGPU backends.
import type { Tensor } from '../tensor.js';
import { rand } from '../ops/random.js';

/** 1 / sqrt(fan_in): the bound of PyTorch's default weight and bias initialisation. */
export function defaultInitBound(fanIn: number): number {
  return 1 / Math.sqrt(fanIn);
}

/** U(-bound, bound) of the given shape, from the engine's random stream on the current backend. */
export function uniformInit(shape: readonly number[], bound: number): Tensor {
  return rand(shape, { low: -bound, high: bound });
}

/** Throws unless every named value is a positive integer (module constructors check their sizes). */
export function checkPositiveIntegers(where: string, values: Record<string, number>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${where}: ${name} must be a positive integer, got ${value}`);
  }
}
