// Shared test helpers: the oracle comparisons every op test uses.
//   checkOp: gradcheck on the CPU backend (float64 finite differences), then the same forward values and
//            gradients on the WebGPU backend, compared with |gpu - cpu| <= atol + rtol |cpu|.
import * as assert from 'uvu/assert';
import * as E from '../../engine/index.js';
import { HostRandom } from '../../engine/random/philox.js';
import type { Backend } from '../../engine/backend/backend.js';

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-4, what = 'values'): void {
  assert.is(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = Math.abs(a - e) <= atol + rtol * Math.abs(e) || (Number.isNaN(a) && Number.isNaN(e)) || a === e;
    if (!ok) assert.unreachable(`${what}[${i}]: got ${a}, expected ${e} (atol ${atol}, rtol ${rtol})`);
  }
}

export interface InputSpec {
  shape: number[];
  /** value range; default (-2, 2) */
  low?: number;
  high?: number;
  /** round values to multiples of this (e.g. 1 for integer exponents) */
  step?: number;
  /** no gradient for this input (indices, masks) */
  constant?: boolean;
  /** explicit values */
  values?: number[];
}

export function inputValues(spec: InputSpec, random: HostRandom): number[] {
  if (spec.values) return spec.values;
  const n = E.sizeOf(spec.shape);
  const low = spec.low ?? -2;
  const high = spec.high ?? 2;
  return Array.from({ length: n }, () => {
    const v = low + (high - low) * random.uniform();
    return spec.step ? Math.round(v / spec.step) * spec.step : v;
  });
}

export interface CheckOptions {
  seed?: number;
  /** finite-difference tolerances */
  gradAtol?: number;
  gradRtol?: number;
  /** GPU-vs-CPU tolerances */
  atol?: number;
  rtol?: number;
  /** skip the finite-difference check (for ops without gradients) */
  noGrad?: boolean;
  /** compare GPU gradients with the CPU's without the finite-difference check (for shapes too large for it, where smaller ones were gradchecked) */
  noFiniteDifferences?: boolean;
}

function make(values: number[], spec: InputSpec, backend: Backend): E.Tensor {
  const t = E.fromValues(values, spec.shape, backend);
  return spec.constant ? t : t.requireGrad();
}

/** Forward value and input gradients of f on one backend (gradients of sum(w * f) with fixed w). */
async function evaluate(f: (...xs: E.Tensor[]) => E.Tensor, specs: InputSpec[], values: number[][], backend: Backend, withGrad: boolean) {
  const inputs = specs.map((spec, i) => make(values[i], spec, backend));
  const out = f(...inputs);
  const forward = await out.toArray();
  const grads: (Float32Array | Float64Array | null)[] = [];
  if (withGrad && out.requiresGrad) {
    const weights = E.gradcheckWeights(out.size);
    out.backward(out.size === 1 ? undefined : E.fromValues(weights, out.shape, backend));
    for (const x of inputs) grads.push(x.grad ? await x.grad.toArray() : null);
  }
  for (const x of inputs) x.dispose();
  out.dispose();
  return { forward, grads, shape: out.shape };
}

export async function checkOp(f: (...xs: E.Tensor[]) => E.Tensor, specs: InputSpec[], options: CheckOptions = {}): Promise<void> {
  const random = new HostRandom(options.seed ?? 1234);
  const values = specs.map((spec) => inputValues(spec, random));
  const cpu = E.cpuBackend();
  if (!options.noGrad && !options.noFiniteDifferences) {
    const inputs = specs.map((spec, i) => make(values[i], spec, cpu));
    const failures = E.gradcheck(f, inputs, { atol: options.gradAtol ?? 1e-6, rtol: options.gradRtol ?? 1e-5 });
    for (const x of inputs) x.dispose();
    if (failures.length > 0) {
      const first = failures[0];
      assert.unreachable(`gradcheck: ${failures.length} mismatches; first: input ${first.input}[${first.index}] analytic ${first.analytic} numeric ${first.numeric}`);
    }
  }
  const gpu = await E.webgpu();
  const reference = await evaluate(f, specs, values, cpu, !options.noGrad);
  const actual = await evaluate(f, specs, values, gpu, !options.noGrad);
  assert.equal(actual.shape, reference.shape, 'output shape');
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-4;
  assertClose(actual.forward, reference.forward, atol, rtol, 'forward');
  reference.grads.forEach((g, i) => {
    if (g) assertClose(actual.grads[i]!, g, atol, rtol, `gradient of input ${i}`);
  });
}
