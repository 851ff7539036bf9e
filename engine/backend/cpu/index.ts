// The CPU backend: float64 storage and plain loops. It is the readable specification every WGSL kernel is
// checked against, and it is never optimised. Importing this file registers every op family's CPU kernels.
import type { Backend, MemoryStats, Storage } from '../backend.js';
import type { KernelName, KernelParams } from '../contracts.js';
import { cpuKernels } from './registry.js';
import './elementwise.js';
import './reduce.js';
import './matmul.js';
import './shape.js';
import './random.js';
import './optim.js';
import './conv.js';

export class CpuStorage implements Storage {
  constructor(readonly data: Float64Array) {}
  get size(): number {
    return this.data.length;
  }
}

export class CpuBackend implements Backend {
  readonly name = 'cpu' as const;
  private live = new Set<CpuStorage>();

  alloc(n: number): CpuStorage {
    const storage = new CpuStorage(new Float64Array(n));
    this.live.add(storage);
    return storage;
  }

  free(storage: Storage): void {
    this.live.delete(storage as CpuStorage);
  }

  write(storage: Storage, data: ArrayLike<number>): void {
    (storage as CpuStorage).data.set(data);
  }

  async read(storage: Storage): Promise<Float64Array> {
    return (storage as CpuStorage).data.slice();
  }

  /** Synchronous read, for finite differences and tests on the CPU backend only. */
  readSync(storage: Storage): Float64Array {
    return (storage as CpuStorage).data;
  }

  run<K extends KernelName>(name: K, inputs: Storage[], outputs: Storage[], params: KernelParams[K]): void {
    const kernel = cpuKernels[name];
    if (!kernel) throw new Error(`cpu backend: kernel '${name}' has no CPU implementation`);
    kernel(
      inputs.map((s) => (s as CpuStorage).data),
      outputs.map((s) => (s as CpuStorage).data),
      params,
    );
  }

  async flush(): Promise<void> {}

  memory(): MemoryStats {
    let bytes = 0;
    for (const s of this.live) bytes += s.size * 4;
    return { liveBuffers: this.live.size, liveBytes: bytes };
  }
}
