// CPU random kernel: the Philox stream of engine/random/philox.ts, so a CPU draw and a GPU draw with the
// same (seed, blockOffset) agree word for word.
import { gumbel, normal, uniform } from '../../random/philox.js';
import { registerCpuKernel } from './registry.js';

registerCpuKernel('random', (_, [out], { kind, n, seed, blockOffset, a, b }) => {
  if (kind === 'uniform') {
    const u = uniform(seed, blockOffset, n);
    for (let i = 0; i < n; i++) out[i] = a + (b - a) * u[i];
  } else if (kind === 'normal') {
    const z = normal(seed, blockOffset, n);
    for (let i = 0; i < n; i++) out[i] = a + b * z[i];
  } else {
    out.set(gumbel(seed, blockOffset, n));
  }
});
