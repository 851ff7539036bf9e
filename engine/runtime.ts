// Which backend new tensors live on. The CPU backend is always there; the WebGPU backend is loaded lazily,
// once per process, the first time `setBackend('webgpu')` (or `webgpu()`) is awaited: its module is
// imported then (a dynamic import, so the CPU path never loads it or Dawn), and the device acquired.
import type { Backend } from './backend/backend.js';
import { CpuBackend } from './backend/cpu/index.js';
import type { WebGpuBackend } from './backend/webgpu/index.js';

export type BackendName = Backend['name'];

const cpu = new CpuBackend();
let gpu: Promise<WebGpuBackend> | null = null;
let gpuReady: WebGpuBackend | null = null;
let current: Backend = cpu;

export function cpuBackend(): CpuBackend {
  return cpu;
}

/** The process's WebGPU backend, created on first use (throws with install advice when no adapter exists). */
export async function webgpu(): Promise<WebGpuBackend> {
  gpu ??= import('./backend/webgpu/index.js')
    .then(({ WebGpuBackend }) => WebGpuBackend.create())
    .then((backend) => {
      gpuReady = backend;
      return backend;
    });
  try {
    return await gpu;
  } catch (error) {
    gpu = null;
    throw error;
  }
}

export async function setBackend(name: BackendName): Promise<Backend> {
  current = name === 'cpu' ? cpu : await webgpu();
  return current;
}

export function getBackend(): Backend {
  return current;
}

/** Waits for every recorded kernel on the current backend and surfaces kernel errors. */
export async function flush(): Promise<void> {
  await current.flush();
}

/** Marks the end of a training step for the kernel profiler (ENGINE_PROFILE=1); nothing otherwise. */
export function markStep(): void {
  gpuReady?.markStep();
}

/** Releases the GPU device so the process can exit promptly (tests and scripts call it at the end). */
export function releaseDevice(): void {
  if (gpuReady) {
    gpuReady.destroy();
    gpuReady = null;
    gpu = null;
    if (current.name === 'webgpu') current = cpu;
  }
}
