// CPU optimizer updates: the float64 specification of the fused in-place kernels. `outputs` are the
// parameter's storage and its state, read and written in place.
import { registerCpuKernel } from './registry.js';

registerCpuKernel('adamUpdate', ([grad], [param, m, v], { n, beta1, beta2, eps, weightDecay, stepSize, biasCorrection2Sqrt }) => {
  for (let i = 0; i < n; i++) {
    const g = grad[i] + weightDecay * param[i];
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    param[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / biasCorrection2Sqrt + eps);
  }
});

registerCpuKernel('sgdUpdate', ([grad], [param, buffer], { n, lr, momentum, weightDecay, firstStep }) => {
  for (let i = 0; i < n; i++) {
    let g = grad[i] + weightDecay * param[i];
    if (momentum > 0) {
      buffer[i] = firstStep ? g : momentum * buffer[i] + g;
      g = buffer[i];
    }
    param[i] -= lr * g;
  }
});
