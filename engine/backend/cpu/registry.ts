// The CPU kernels, by name. Each op family's CPU file registers its kernels here (see ./index.ts for the
// list), so the whole float64 specification of a kernel sits in one short function.
import type { KernelName, KernelParams } from '../contracts.js';

/** A CPU kernel reads `inputs` and writes `outputs` (float64 arrays) as its parameter record says. */
export type CpuKernel<K extends KernelName> = (
  inputs: Float64Array[],
  outputs: Float64Array[],
  params: KernelParams[K],
) => void;

export const cpuKernels: { [K in KernelName]?: CpuKernel<K> } = {};

export function registerCpuKernel<K extends KernelName>(name: K, kernel: CpuKernel<K>): void {
  cpuKernels[name] = kernel as (typeof cpuKernels)[K];
}

/** Offset of the element at flat index i of `shape` in an array with `strides` (row-major walk). */
export function stridedOffset(i: number, shape: number[], strides: number[], offset = 0): number {
  for (let d = shape.length - 1; d >= 0; d--) {
    const coord = i % shape[d];
    i = (i - coord) / shape[d];
    offset += coord * strides[d];
  }
  return offset;
}
