// What a backend is. The engine's ops never touch memory or kernels directly: they check shapes, compute
// the output shape, and ask a backend to allocate storage and run a *named kernel* with a parameter record.
// Two backends implement the same small interface:
//   - cpu    (engine/backend/cpu):    float64 plain loops, written to be read. It is the specification.
//   - webgpu (engine/backend/webgpu): float32 WGSL kernels dispatched through Dawn.
// Every kernel's parameter record is declared once, in contracts.ts, so both backends and the ops agree on
// its meaning. A backend imports only this layer and the leaves below it (contracts.ts, engine/shape.ts,
// the Philox stream in engine/random/), never an op or the Tensor; the runtime loads the WebGPU backend
// only when it is first asked for (test/layering.test.ts checks both).
import type { KernelName, KernelParams } from './contracts.js';

/** Opaque handle to `size` numbers of backend memory. */
export interface Storage {
  readonly size: number;
}

export interface MemoryStats {
  /** storages handed out and not yet freed */
  liveBuffers: number;
  /** bytes those storages hold (as float32, 4 bytes a number, on both backends) */
  liveBytes: number;
}

export interface Backend {
  readonly name: 'cpu' | 'webgpu';
  /** Storage for n numbers; its contents are undefined until written or produced by a kernel. */
  alloc(n: number): Storage;
  /** Returns storage for reuse. Kernels already recorded that read it still see the old contents. */
  free(storage: Storage): void;
  /** Copies host numbers into the storage (ordered after every kernel recorded so far). */
  write(storage: Storage, data: ArrayLike<number>): void;
  /** Reads the storage back to the host once every recorded kernel has run. */
  read(storage: Storage): Promise<Float32Array | Float64Array>;
  /** Runs (or records) kernel `name` reading `inputs` and writing `outputs`. */
  run<K extends KernelName>(name: K, inputs: Storage[], outputs: Storage[], params: KernelParams[K]): void;
  /** Submits recorded work and waits for it; surfaces any error a kernel raised. */
  flush(): Promise<void>;
  memory(): MemoryStats;
}
