// Acquires the one WebGPU device of this process: in a browser from navigator.gpu; under Node through Dawn
// (the `webgpu` npm package), loaded on first use so that nothing else (the CPU backend, a browser page)
// ever loads it. It asks for the adapter's own limits (larger storage bindings and workgroup memory than
// the defaults).

const BROWSER_HINT = 'No WebGPU adapter was found: this browser has no navigator.gpu, or it offers no adapter (try a current Chrome, Edge or Firefox, with hardware acceleration on).';
const INSTALL_HINT =
  'No WebGPU adapter was found. Install a GPU driver with Vulkan support, or on headless Debian/Ubuntu the ' +
  "CPU Vulkan driver (Mesa lavapipe) from bookworm-backports: add 'bookworm-backports' to the Suites of " +
  '/etc/apt/sources.list.d/debian.sources, then `apt-get update && apt-get install -y -t bookworm-backports ' +
  'mesa-vulkan-drivers libvulkan1`.';

/** Limits worth raising above WebGPU's defaults when the adapter allows it. */
const RAISED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
] as const;

export interface AcquiredDevice {
  device: GPUDevice;
  adapterName: string;
  /** Lanes in the device's smallest subgroup; 0 when it has no subgroups feature. */
  subgroupSize: number;
}

// NOTE: the GPU instance must stay reachable for as long as its devices are used: if the garbage
// collector takes it, Dawn tears the instance down under the live device and the process crashes.
const instances: GPU[] = [];

/** Where WebGPU comes from: the browser's navigator.gpu, else Dawn under Node (which also sets the WebGPU globals). */
async function webgpuEntry(): Promise<{ gpu: GPU; hint: string }> {
  const browser = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (browser?.gpu) return { gpu: browser.gpu, hint: BROWSER_HINT };
  const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
  if (!isNode) throw new Error(BROWSER_HINT);
  const dawn = await import('webgpu');
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  instances.push(gpu);
  return { gpu, hint: INSTALL_HINT };
}

export async function acquireDevice(): Promise<AcquiredDevice> {
  const { gpu, hint } = await webgpuEntry();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error(hint);
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  // GPU timestamps for the kernel profiler and subgroups for the register-blocked kernels (rows.ts), where
  // the adapter has them
  const wanted: GPUFeatureName[] = ['timestamp-query', 'subgroups'];
  const requiredFeatures = wanted.filter((feature) => adapter.features.has(feature));
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  const info = adapter.info;
  const adapterName = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  const WEBGPU_SMALLEST_SUBGROUP = 4; // what an adapter that does not say may have
  const subgroupSize = device.features.has('subgroups') ? (info.subgroupMinSize ?? WEBGPU_SMALLEST_SUBGROUP) : 0;
  return { device, adapterName: adapterName || 'unknown adapter', subgroupSize };
}
