// The WebGPU kernels, by name. Each op family's WebGPU file registers, for each kernel, the WGSL source,
// its `override` constants, its uniform record and its dispatch size. Binding convention, shared by every
// .wgsl file: @binding(0) is the uniform record (when the kernel has one), then the inputs in order
// (read-only storage), then the outputs (read_write storage).
import type { Storage } from '../backend.js';
import type { KernelName, KernelParams } from '../contracts.js';

/** One compute dispatch, described by its parameter record P. */
export interface GpuDispatch<P> {
  /** Shown in error messages and debug reports; defaults to the kernel name. */
  label?: (params: P) => string;
  /** WGSL source; may pick a variant by params (matmul does: variantKernel below). */
  source: (params: P) => string;
  entryPoint?: string;
  /** Values of the shader's `override` declarations (workgroup and tile sizes live here, once). */
  constants?: (params: P) => Record<string, number>;
  /** The uniform record at @binding(0); omit for kernels without one. */
  uniforms?: (params: P) => ArrayBuffer;
  /** Floating-point operations of one run, for the profiler's GFLOP/s (omit where bytes moved are the measure). */
  flops?: (params: P) => number;
  /** Workgroups to dispatch: a count (spread over x and y past 65535) or an explicit triple. */
  workgroups: (params: P) => number | [number, number, number];
  /** Where a call runs several dispatches (a composite variant), records them and returns true. */
  record?: (gpu: GpuRecorder, inputs: Storage[], outputs: Storage[], params: P) => boolean;
}

export type GpuKernel<K extends KernelName> = GpuDispatch<KernelParams[K]>;

/**
 * The WebGPU backend as a composite variant records through it: temporaries, named kernels (labelled
 * `context: label`, so profiles and errors name the composite), and dispatches of its own.
 */
export interface GpuRecorder {
  alloc(n: number): Storage;
  free(storage: Storage): void;
  run<K extends KernelName>(name: K, inputs: Storage[], outputs: Storage[], params: KernelParams[K], context?: string): void;
  dispatch<P>(kernel: GpuDispatch<P>, inputs: Storage[], outputs: Storage[], params: P): void;
}

export const gpuKernels: { [K in KernelName]?: GpuKernel<K> } = {};

export function registerGpuKernel<K extends KernelName>(name: K, kernel: GpuKernel<K>): void {
  gpuKernels[name] = kernel as (typeof gpuKernels)[K];
}

/**
 * One way to compute a kernel, named by its strategy after its shader file (matmul_blocked_vec4): the WGSL
 * source, its override constants and its dispatch size. A kernel with several variants picks one per call;
 * the variants the engine never picks live in bench/ladder/, and benches and tests run those with withKernel.
 */
export type KernelVariant<P> = DispatchVariant<P> | CompositeVariant<P>;

interface VariantBase<P> {
  name: string;
  /** Whether the variant can compute this call; every call when absent. */
  supports?: (params: P) => boolean;
}

/** A variant that is one dispatch. */
export interface DispatchVariant<P> extends VariantBase<P> {
  source: (params: P) => string;
  constants: (params: P) => Record<string, number>;
  workgroups: (params: P) => number | [number, number, number];
  /** The blocking a tiled variant runs on this call, shown after its name in labels. */
  blocking?: (params: P) => string;
}

/** A variant computed by several dispatches (a Winograd convolution), which it records itself. */
export interface CompositeVariant<P> extends VariantBase<P> {
  record: (gpu: GpuRecorder, inputs: Storage[], outputs: Storage[], params: P) => void;
}

/**
 * A kernel whose calls each run the variant `choose` picks; its label is the variant's name (and blocking).
 * A composite variant records its own dispatches (`record`), so the one-dispatch fields never meet it.
 */
export function variantKernel<K extends KernelName>(
  choose: (params: KernelParams[K]) => KernelVariant<KernelParams[K]>,
  rest: Pick<GpuKernel<K>, 'uniforms' | 'flops' | 'entryPoint'>,
): GpuKernel<K> {
  const single = (p: KernelParams[K]) => choose(p) as DispatchVariant<KernelParams[K]>;
  return {
    label: (p) => {
      const variant = single(p);
      return variant.blocking ? `${variant.name} ${variant.blocking(p)}` : variant.name;
    },
    source: (p) => single(p).source(p),
    constants: (p) => single(p).constants(p),
    workgroups: (p) => single(p).workgroups(p),
    record: (gpu, inputs, outputs, p) => {
      const variant = choose(p);
      if (!('record' in variant)) return false;
      variant.record(gpu, inputs, outputs, p);
      return true;
    },
    ...rest,
  };
}

const overrides: { [K in KernelName]?: KernelVariant<KernelParams[K]> } = {};

/**
 * Runs `body` with `variant` computing every call of `kernel` in place of the engine's choice, then restores
 * the previous choice, also when body throws. For benches and tests: a rung of bench/ladder/, or an engine
 * variant on calls the engine's rule gives to another. A call picks its variant when it is recorded, so
 * every call made inside body runs `variant`, however late its batch is submitted.
 *   await withKernel('matmul', matmulNaive, () => E.matmul(a, b).toArray());
 */
export async function withKernel<K extends KernelName, T>(
  kernel: K,
  variant: KernelVariant<KernelParams[K]>,
  body: () => T | Promise<T>,
): Promise<T> {
  const previous = overrides[kernel];
  overrides[kernel] = variant as (typeof overrides)[K];
  try {
    return await body();
  } finally {
    if (previous) overrides[kernel] = previous;
    else delete overrides[kernel];
  }
}

/** The variant withKernel put in place for `kernel`, if any: the first thing a kernel's choice consults. */
export function kernelOverride<K extends KernelName>(kernel: K): KernelVariant<KernelParams[K]> | undefined {
  return overrides[kernel];
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
