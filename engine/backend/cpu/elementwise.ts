// CPU elementwise kernels: fill, and the loops that apply an op's float64 scalar function (declared in the
// op table of ops/elementwise.ts and passed in the kernel's record) to every element.
import { registerCpuKernel, stridedOffset } from './registry.js';

registerCpuKernel('fill', (_, [out], { n, value }) => {
  out.fill(value, 0, n);
});

registerCpuKernel('unary', ([x], [out], { op, n, alpha }) => {
  const f = op.cpu;
  for (let i = 0; i < n; i++) out[i] = f(x[i], alpha);
});

registerCpuKernel('binary', ([a, b], [out], { op, shape, aStrides, bStrides, alpha }) => {
  const f = op.cpu;
  for (let i = 0; i < out.length; i++) {
    out[i] = f(a[stridedOffset(i, shape, aStrides)], b[stridedOffset(i, shape, bStrides)], alpha ?? 0);
  }
});

registerCpuKernel('where', ([cond, a, b], [out], { shape, condStrides, aStrides, bStrides }) => {
  for (let i = 0; i < out.length; i++) {
    const c = cond[stridedOffset(i, shape, condStrides)];
    out[i] = c !== 0 ? a[stridedOffset(i, shape, aStrides)] : b[stridedOffset(i, shape, bStrides)];
  }
});
