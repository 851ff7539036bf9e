// The README's example (experiments/web/xor.ts) under Node: an MLP learns XOR on the plane with Adam, on
// WebGPU (or the CPU backend with --cpu), printing the loss every 100 steps.
import * as E from '../engine/index.js';
import { trainXor } from './web/xor.js';

await E.setBackend(process.argv.includes('--cpu') ? 'cpu' : 'webgpu');
await trainXor(300, 100, (step, loss) => console.log(`step ${step}: loss ${loss.toFixed(4)}`));
E.releaseDevice();
