// The README's example (experiments/web/xor.ts) under Node: an MLP learns XOR on the plane with Adam, on
// WebGPU (or the CPU backend with --cpu), printing the loss every 100 steps.
import * as E from '../engine/index.js';
import { commandLine, toolCommand } from './lib/command.js';
import { trainXor } from './web/xor.js';

const COMMAND = toolCommand('mlp-example', "an MLP learns XOR (the README's example)", {
  cpu: { default: false, help: 'run on the float64 CPU backend instead of WebGPU' },
});

const parsed = commandLine(COMMAND);
if (parsed) {
  await E.setBackend(parsed.flags.cpu ? 'cpu' : 'webgpu');
  await trainXor(300, 100, (step, loss) => console.log(`step ${step}: loss ${loss.toFixed(4)}`));
  E.releaseDevice();
}
