// CPU reduction kernel: x viewed as (outer, inner) -> out (outer).
import { registerCpuKernel } from './registry.js';

registerCpuKernel('reduce', ([x], [out], { op, outer, reduced, inner }) => {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let acc = op === 'sum' ? 0 : -Infinity;
      for (let r = 0; r < reduced; r++) {
        const v = x[(o * reduced + r) * inner + j];
        acc = op === 'sum' ? acc + v : Math.max(acc, v);
      }
      out[o * inner + j] = acc;
    }
  }
});
