// Gradient checking: central finite differences in float64 on the CPU backend against the analytic
// gradients that backward() computes. Every backward rule in the engine is tested with it.
import { formatShape } from './shape.js';
import { Tensor, fromValues } from './tensor.js';
import { backward, noGrad } from './autograd.js';
import { cpuBackend } from './runtime.js';
import type { CpuStorage } from './backend/cpu/index.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
}

export interface GradcheckFailure {
  input: number;
  index: number;
  analytic: number;
  numeric: number;
}

function values(t: Tensor): Float64Array {
  if (t.backend.name !== 'cpu') throw new Error(`gradcheck: ${t} must live on the CPU backend (float64)`);
  return (t.storage as CpuStorage).data;
}

/** Fixed weights in [0.5, 1.5) for a non-scalar output: every element contributes, each differently. */
export function gradcheckWeights(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => 0.5 + ((i * 7919) % 13) / 13);
}

/** f's value as a number: the sum of its output, so non-scalar outputs are checked through a fixed weighting. */
function scalarValue(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], weights: Float64Array | null): number {
  return noGrad(() => {
    const out = f(...inputs);
    const v = values(out);
    let total = 0;
    for (let i = 0; i < v.length; i++) total += v[i] * (weights ? weights[i] : 1);
    out.dispose();
    return total;
  });
}

/**
 * Checks d(sum(w * f(inputs)))/d(input) for every input requiring a gradient, element by element, with
 * |analytic - numeric| <= atol + rtol |numeric|. A non-scalar output is weighted by fixed pseudo-random w
 * (so every output element matters). Returns the failures (empty when the check passes).
 */
export function gradcheck(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], options: GradcheckOptions = {}): GradcheckFailure[] {
  const { eps = 1e-6, atol = 1e-6, rtol = 1e-5 } = options;
  const cpu = cpuBackend();
  for (const x of inputs) values(x);
  for (const x of inputs) {
    x.grad?.dispose();
    x.grad = null;
  }

  const out = f(...inputs);
  let weights: Float64Array | null = null;
  if (out.size !== 1) {
    weights = gradcheckWeights(out.size);
  }
  backward(out, weights ? fromValues(weights, out.shape, cpu) : undefined);
  out.dispose();

  const failures: GradcheckFailure[] = [];
  inputs.forEach((x, input) => {
    if (!x.requiresGrad) return;
    if (!x.grad) throw new Error(`gradcheck: input ${input} ${formatShape(x.shape)} received no gradient`);
    const analytic = values(x.grad);
    const data = values(x);
    for (let index = 0; index < data.length; index++) {
      const original = data[index];
      data[index] = original + eps;
      const plus = scalarValue(f, inputs, weights);
      data[index] = original - eps;
      const minus = scalarValue(f, inputs, weights);
      data[index] = original;
      const numeric = (plus - minus) / (2 * eps);
      if (!(Math.abs(analytic[index] - numeric) <= atol + rtol * Math.abs(numeric))) {
        failures.push({ input, index, analytic: analytic[index], numeric });
      }
    }
  });
  return failures;
}
