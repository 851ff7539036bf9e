// CPU reduction kernel: x viewed as (outer, inner) -> out (outer).
import { registerCpuKernel } from './registry.js';

registerCpuKernel('reduce', ([x], [out], { op, outer, inner }) => {
  for (let o = 0; o < outer; o++) {
    let acc = op === 'sum' ? 0 : -Infinity;
    for (let i = 0; i < inner; i++) {
      const v = x[o * inner + i];
      acc = op === 'sum' ? acc + v : Math.max(acc, v);
    }
    out[o] = acc;
  }
});
