// The engine's public API: tensors, autograd, ops, backends, modules and optimizers, for Node and browsers
// alike (it imports no Node module). `import * as E from './engine/index.js'`; engine/node.ts adds `E.train`.
import './methods.js';

export { sizeOf, formatShape } from './shape.js';
export { Tensor, tidy, keep, fromValues } from './tensor.js';
export { backward, noGrad, detach, isGradEnabled } from './autograd.js';
export { setBackend, getBackend, cpuBackend, webgpu, flush, releaseDevice, type BackendName } from './runtime.js';
export * from './ops/elementwise.js';
export * from './ops/reduce.js';
export * from './ops/shape.js';
export * from './ops/matmul.js';
export * from './ops/random.js';
export * from './ops/conv.js';
export { gradcheck, gradcheckWeights, type GradcheckFailure } from './gradcheck.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';

import { Tensor } from './tensor.js';
import { getBackend } from './runtime.js';

/** Live storages and bytes on the current backend, for leak tests. */
export function memory() {
  return getBackend().memory();
}

/** 0, 1, ..., n-1 (or start, start+step, ... < stop). */
export function arange(startOrStop: number, stop?: number, step = 1): Tensor {
  const start = stop === undefined ? 0 : startOrStop;
  const end = stop === undefined ? startOrStop : stop;
  if (step === 0) throw new Error('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const out = Tensor.empty([n]);
  out.backend.write(out.storage, Array.from({ length: n }, (_, i) => start + i * step));
  return out;
}
