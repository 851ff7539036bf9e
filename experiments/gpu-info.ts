// Prints the WebGPU adapter the engine will use and its main limits; exits non-zero when there is none
// (the error says what to install). `npm run gpu:info`
import * as E from '../engine/index.js';
import { commandLine, toolCommand } from './lib/command.js';

const COMMAND = toolCommand('gpu-info', 'prints the WebGPU adapter and its main limits', {});

async function printAdapter(): Promise<void> {
  const gpu = await E.webgpu();
  const limits = gpu.device.limits;
  console.log(`adapter: ${gpu.adapterName}`);
  console.log(
    `limits: maxStorageBufferBindingSize ${limits.maxStorageBufferBindingSize}, ` +
      `maxComputeWorkgroupStorageSize ${limits.maxComputeWorkgroupStorageSize}, ` +
      `maxComputeInvocationsPerWorkgroup ${limits.maxComputeInvocationsPerWorkgroup}`,
  );
  E.releaseDevice();
}

if (commandLine(COMMAND)) {
  try {
    await printAdapter();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
