// CPU shape kernels: the strided copy behind permute/slice/broadcastTo/concat, and gather.
import { sizeOf } from '../../shape.js';
import { registerCpuKernel, stridedOffset } from './registry.js';

registerCpuKernel('copy', ([x], [out], { shape, inOffset, inStrides, outOffset, outStrides }) => {
  const n = sizeOf(shape);
  for (let i = 0; i < n; i++) {
    out[stridedOffset(i, shape, outStrides, outOffset)] = x[stridedOffset(i, shape, inStrides, inOffset)];
  }
});

// x (outer, axisSize, inner), indices (count) -> out (outer, count, inner); an index out of range reads 0
registerCpuKernel('gather', ([x, indices], [out], { outer, axisSize, count, inner }) => {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < count; j++) {
      const a = indices[j];
      const inRange = Number.isInteger(a) && a >= 0 && a < axisSize;
      for (let i = 0; i < inner; i++) {
        out[(o * count + j) * inner + i] = inRange ? x[(o * axisSize + a) * inner + i] : 0;
      }
    }
  }
});

// dy (outer, count, inner), indices (count) -> dx (outer, axisSize, inner): each slice sums the dy slices that chose it
registerCpuKernel('gatherBackward', ([dy, indices], [dx], { outer, axisSize, count, inner }) => {
  dx.fill(0);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < count; j++) {
      const a = indices[j];
      if (!(Number.isInteger(a) && a >= 0 && a < axisSize)) continue;
      for (let i = 0; i < inner; i++) dx[(o * axisSize + a) * inner + i] += dy[(o * count + j) * inner + i];
    }
  }
});
