// Optimizers against hand-written float64 updates: five steps of Adam and SGD on the quadratic
// loss sum(a p^2 + b p) (gradient 2 a p + b), on the CPU backend (float64, to 1e-12) and on WebGPU.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../engine/index.js';
import { HostRandom } from '../engine/random/philox.js';
import { assertClose } from './lib/check.js';

const STEPS = 5;
const SIZE = 37; // not a multiple of the workgroup size

const random = new HostRandom(11);
const draw = (low: number, high: number) => Array.from({ length: SIZE }, () => low + (high - low) * random.uniform());
const p0 = draw(-1, 1);
const a = draw(0.1, 2);
const b = draw(-1, 1);
const gradientAt = (p: number[]) => p.map((pi, i) => 2 * a[i] * pi + b[i]);

/**
 * Runs `steps` optimizer steps on the device, returning the parameter after each step; `size` < SIZE takes
 * the first values only (each value's trajectory depends on its own values alone).
 */
async function runSteps(backend: E.Tensor['backend'], makeOptimizer: (p: E.Tensor) => E.optim.Optimizer, size = SIZE): Promise<number[][]> {
  const p = E.keep(E.fromValues(p0.slice(0, size), [size], backend).requireGrad());
  const aT = E.fromValues(a.slice(0, size), [size], backend);
  const bT = E.fromValues(b.slice(0, size), [size], backend);
  const optimizer = makeOptimizer(p);
  const trajectory: number[][] = [];
  for (let step = 0; step < STEPS; step++) {
    optimizer.zeroGrad();
    E.tidy(() => E.sum(E.add(E.mul(aT, E.mul(p, p)), E.mul(bT, p))).backward());
    optimizer.step();
    trajectory.push(Array.from(await p.toArray()));
  }
  optimizer.dispose();
  p.dispose();
  return trajectory;
}

/** Adam in the paper's form: bias-corrected moments m_hat, v_hat, then p -= lr m_hat / (sqrt(v_hat) + eps). */
function adamReference({ lr, beta1, beta2, eps, weightDecay }: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number }) {
  const p = [...p0];
  const m = new Array<number>(SIZE).fill(0);
  const v = new Array<number>(SIZE).fill(0);
  const trajectory: number[][] = [];
  for (let t = 1; t <= STEPS; t++) {
    const grad = gradientAt(p);
    for (let i = 0; i < SIZE; i++) {
      const g = grad[i] + weightDecay * p[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      const mHat = m[i] / (1 - beta1 ** t);
      const vHat = v[i] / (1 - beta2 ** t);
      p[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
    trajectory.push([...p]);
  }
  return trajectory;
}

/** SGD with momentum as PyTorch: the buffer starts at the first gradient. */
function sgdReference({ lr, momentum, weightDecay }: { lr: number; momentum: number; weightDecay: number }) {
  const p = [...p0];
  const buffer = new Array<number>(SIZE).fill(0);
  const trajectory: number[][] = [];
  for (let t = 1; t <= STEPS; t++) {
    const grad = gradientAt(p);
    for (let i = 0; i < SIZE; i++) {
      let g = grad[i] + weightDecay * p[i];
      if (momentum > 0) {
        buffer[i] = t === 1 ? g : momentum * buffer[i] + g;
        g = buffer[i];
      }
      p[i] -= lr * g;
    }
    trajectory.push([...p]);
  }
  return trajectory;
}

function compareTrajectories(actual: number[][], expected: number[][], atol: number, rtol: number, what: string) {
  expected.forEach((p, step) => assertClose(actual[step], p, atol, rtol, `${what} after step ${step + 1}`));
}

// float64 on the CPU agrees to rounding. On the GPU, float32 rounding of p, m and v accumulates: the same
// five Adam steps simulated with every operation rounded to float32 (Math.fround) drift up to 3.3e-6 from
// float64 (|p| < 1, lr 0.1), so 1e-5 leaves a margin of 3 while still catching any wrong term.
const TOLERANCES = { cpu: [1e-12, 1e-12], webgpu: [1e-5, 1e-5] } as const;

async function backends() {
  return [E.cpuBackend(), await E.webgpu()];
}

const adamCases = [
  { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
  { lr: 0.05, beta1: 0.5, beta2: 0.9, eps: 1e-3, weightDecay: 0.1 },
];
for (const hyper of adamCases) {
  test(`Adam ${JSON.stringify(hyper)}: 5 steps match the float64 reference`, async () => {
    const expected = adamReference(hyper);
    for (const backend of await backends()) {
      const actual = await runSteps(backend, (p) => new E.optim.Adam([p], { lr: hyper.lr, betas: [hyper.beta1, hyper.beta2], eps: hyper.eps, weightDecay: hyper.weightDecay }));
      const [atol, rtol] = TOLERANCES[backend.name];
      compareTrajectories(actual, expected, atol, rtol, `Adam on ${backend.name}`);
    }
  });
}

test('Adam on 36 values (a multiple of 4: four per thread on the GPU) follows the float64 reference', async () => {
  const hyper = adamCases[0];
  const expected = adamReference(hyper).map((p) => p.slice(0, 36));
  for (const backend of await backends()) {
    const actual = await runSteps(backend, (p) => new E.optim.Adam([p], { lr: hyper.lr, betas: [hyper.beta1, hyper.beta2], eps: hyper.eps }), 36);
    const [atol, rtol] = TOLERANCES[backend.name];
    compareTrajectories(actual, expected, atol, rtol, `Adam on ${backend.name}, 36 values`);
  }
});

const sgdCases = [
  { lr: 0.1, momentum: 0, weightDecay: 0 },
  { lr: 0.05, momentum: 0.9, weightDecay: 0.01 },
];
for (const hyper of sgdCases) {
  test(`SGD ${JSON.stringify(hyper)}: 5 steps match the float64 reference`, async () => {
    const expected = sgdReference(hyper);
    for (const backend of await backends()) {
      const actual = await runSteps(backend, (p) => new E.optim.SGD([p], hyper));
      const [atol, rtol] = TOLERANCES[backend.name];
      compareTrajectories(actual, expected, atol, rtol, `SGD on ${backend.name}`);
    }
  });
}

test('a parameter without a gradient is skipped and its step count stays put', async () => {
  const cpu = E.cpuBackend();
  const used = E.keep(E.fromValues([1, 2], [2], cpu).requireGrad());
  const unused = E.keep(E.fromValues([3, 4], [2], cpu).requireGrad());
  const adam = new E.optim.Adam([used, unused], { lr: 0.1 });
  E.tidy(() => E.sum(used).backward());
  adam.step();
  // first Adam step moves each element by lr * sign(g) (up to eps): g = 1 here
  assertClose(await used.toArray(), [0.9, 1.9], 1e-7, 0);
  assertClose(await unused.toArray(), [3, 4], 0, 0);
  assert.is(adam.stateOf(used).step, 1);
  assert.is(adam.stateOf(unused).step, 0);
  adam.zeroGrad();
  assert.is(used.grad, null);
  adam.dispose();
  used.dispose();
  unused.dispose();
});

test('steps update in place: no storage is allocated per step', async () => {
  const gpu = await E.webgpu();
  const p = E.keep(E.fromValues(p0, [SIZE], gpu).requireGrad());
  const adam = new E.optim.Adam([p]);
  const grad = E.keep(E.fromValues(b, [SIZE], gpu));
  p.grad = grad;
  adam.step();
  const live = gpu.memory().liveBuffers;
  for (let i = 0; i < 3; i++) adam.step();
  assert.is(gpu.memory().liveBuffers, live);
  adam.dispose();
  p.dispose();
});

test('bad hyperparameters and parameters are refused with the offending value', () => {
  const p = E.keep(E.zeros([2], E.cpuBackend()).requireGrad());
  assert.throws(() => new E.optim.Adam([p], { betas: [0.9, 1] }), /Adam: betas\[1\] = 1 must be >= 0 and < 1/);
  assert.throws(() => new E.optim.SGD([p], { lr: -1 }), /SGD: lr = -1 must be >= 0/);
  assert.throws(() => new E.optim.Adam([]), /Adam: no parameters to optimise/);
  assert.throws(() => new E.optim.Adam([E.zeros([2], E.cpuBackend())]), /Adam: .* is not a leaf tensor that requires a gradient/);
  p.dispose();
});

test('learning-rate schedules: constant, step (as StepLR) and linear decay (as CycleGAN)', () => {
  const epochs = [0, 1, 2, 3, 4, 5];
  assert.equal(epochs.map(E.optim.constantLr(0.01)), [0.01, 0.01, 0.01, 0.01, 0.01, 0.01]);
  // gamma 0.5 every 2 epochs
  assert.equal(epochs.map(E.optim.stepLr(0.8, { stepSize: 2, gamma: 0.5 })), [0.8, 0.8, 0.4, 0.4, 0.2, 0.2]);
  // CycleGAN with n_epochs = 2, n_epochs_decay = 3: factor 1 - max(0, e + 1 - 2) / 4
  const linear = E.optim.linearDecayLr(0.0002, { constantEpochs: 2, decayEpochs: 3 });
  assertClose(epochs.map(linear), [0.0002, 0.0002, 0.00015, 0.0001, 0.00005, 0], 1e-18, 1e-12);
  assert.throws(() => E.optim.stepLr(0.1, { stepSize: 0 }), /stepLr: stepSize must be a positive integer, got 0/);
  assert.throws(() => linear(-1), /linearDecayLr: epoch must be an integer >= 0, got -1/);
});

test.after(() => E.releaseDevice());
test.run();
