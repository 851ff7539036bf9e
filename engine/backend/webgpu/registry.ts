// The WebGPU kernels, by name. Each op family's WebGPU file registers, for each kernel, the WGSL source,
// its `override` constants, its uniform record and its dispatch size. Binding convention, shared by every
// .wgsl file: @binding(0) is the uniform record (when the kernel has one), then the inputs in order
// (read-only storage), then the outputs (read_write storage).
import type { KernelName, KernelParams } from '../backend.js';

export interface GpuKernel<K extends KernelName> {
  /** Shown in error messages and debug reports; defaults to the kernel name. */
  label?: (params: KernelParams[K]) => string;
  /** WGSL source; may pick a version by params (the matmul ladder does). */
  source: (params: KernelParams[K]) => string;
  entryPoint?: string;
  /** Values of the shader's `override` declarations (workgroup and tile sizes live here, once). */
  constants?: (params: KernelParams[K]) => Record<string, number>;
  /** The uniform record at @binding(0); omit for kernels without one. */
  uniforms?: (params: KernelParams[K]) => ArrayBuffer;
  /** Floating-point operations of one run, for the profiler's GFLOP/s (omit where bytes moved are the measure). */
  flops?: (params: KernelParams[K]) => number;
  /** Workgroups to dispatch: a count (spread over x and y past 65535) or an explicit triple. */
  workgroups: (params: KernelParams[K]) => number | [number, number, number];
}

export const gpuKernels: { [K in KernelName]?: GpuKernel<K> } = {};

export function registerGpuKernel<K extends KernelName>(name: K, kernel: GpuKernel<K>): void {
  gpuKernels[name] = kernel as (typeof gpuKernels)[K];
}

/** Bytes between two dispatches' uniform records in an arena (WebGPU's minUniformBufferOffsetAlignment). */
export const UNIFORM_SLOT_BYTES = 256;

/** Most workgroups one dispatch dimension may have (WebGPU's maxComputeWorkgroupsPerDimension default). */
export const MAX_WORKGROUPS_PER_DIMENSION = 65535;

/**
 * Spreads `count` workgroups over x and y. Kernels recover the flat workgroup index as
 * `wid.x + wid.y * nwg.x` (nwg = @builtin(num_workgroups)) and ignore indices past their size.
 */
export function spreadWorkgroups(count: number): [number, number, number] {
  const x = Math.min(Math.max(count, 1), MAX_WORKGROUPS_PER_DIMENSION);
  return [x, Math.ceil(count / x), 1];
}

/**
 * Builds a uniform record in WGSL's uniform layout: scalars are 4 bytes; arrays are written as
 * `array<vec4<u32>, N>` (16-byte aligned, 4 values per element), since uniform arrays need a 16-byte stride.
 */
export class UniformWriter {
  private words: number[] = [];
  private kinds: ('u' | 'i' | 'f')[] = [];

  u32(value: number): this {
    this.words.push(value >>> 0);
    this.kinds.push('u');
    return this;
  }

  i32(value: number): this {
    this.words.push(value | 0);
    this.kinds.push('i');
    return this;
  }

  f32(value: number): this {
    this.words.push(value);
    this.kinds.push('f');
    return this;
  }

  /** `array<vec4<u32>, vec4s>` holding `values` zero-padded; aligned to 16 bytes first. */
  u32Vec4Array(values: number[], vec4s: number): this {
    if (values.length > vec4s * 4) throw new Error(`uniform array of ${values.length} values exceeds ${vec4s * 4}`);
    this.align16();
    for (let i = 0; i < vec4s * 4; i++) this.u32(values[i] ?? 0);
    return this;
  }

  private align16(): void {
    while (this.words.length % 4 !== 0) this.u32(0);
  }

  finish(): ArrayBuffer {
    this.align16();
    const buffer = new ArrayBuffer(this.words.length * 4);
    const u = new Uint32Array(buffer);
    const i = new Int32Array(buffer);
    const f = new Float32Array(buffer);
    this.words.forEach((w, k) => {
      if (this.kinds[k] === 'f') f[k] = w;
      else if (this.kinds[k] === 'i') i[k] = w;
      else u[k] = w;
    });
    return buffer;
  }
}
