// Acquires the one WebGPU device of this process, through Dawn (the `webgpu` npm package).
// It asks for the adapter's own limits (larger storage bindings and workgroup memory than the defaults).
import { create, globals } from 'webgpu';

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
}

// NOTE: the GPU instance must stay reachable for as long as its devices are used: if the garbage
// collector takes it, Dawn tears the instance down under the live device and the process crashes.
const instances: GPU[] = [];

export async function acquireDevice(): Promise<AcquiredDevice> {
  Object.assign(globalThis, globals);
  const gpu = create([]);
  instances.push(gpu);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error(INSTALL_HINT);
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  // GPU timestamps for the kernel profiler, where the adapter has them
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  const info = adapter.info;
  const adapterName = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  return { device, adapterName: adapterName || 'unknown adapter' };
}
