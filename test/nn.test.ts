// Modules: registration and dotted names, summary, PyTorch's default initialisation from the seeded
// stream, and every layer's forward and gradients (input and parameters) by finite differences on the
// CPU and against the CPU on WebGPU, with both modules built from the same seed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../engine/index.js';
import { uniform } from '../engine/random/philox.js';
import { HostRandom } from '../engine/random/philox.js';
import { assertClose } from './lib/check.js';

const { nn } = E;
const SEED = 2024;

/** Forward value and gradients (input, then each parameter) of sum(w * module(x)) with fixed w. */
async function evaluateModule(m: E.nn.Module, xValues: number[], shape: number[], backend: E.Tensor['backend']) {
  const x = E.fromValues(xValues, shape, backend).requireGrad();
  m.zeroGrad();
  const out = m.forward(x) as E.Tensor;
  const weights = Array.from({ length: out.size }, (_, i) => 0.5 + ((i * 7919) % 13) / 13);
  out.backward(E.fromValues(weights, out.shape, backend));
  const grads = [await x.grad!.toArray()];
  for (const p of m.parameters()) grads.push(await p.grad!.toArray());
  return { shape: out.shape, forward: await out.toArray(), grads };
}

/**
 * Builds the module on the CPU and gradchecks its input and parameters (perturbed in place), then builds
 * it again from the same seed on WebGPU and compares forward values and every gradient with the CPU.
 */
async function checkModule(make: () => E.nn.Module, inputShape: number[], { low = -2, high = 2, atol = 1e-5, rtol = 1e-4 } = {}) {
  const random = new HostRandom(99);
  const n = inputShape.reduce((a, b) => a * b, 1);
  const xValues = Array.from({ length: n }, () => low + (high - low) * random.uniform());

  await E.setBackend('cpu');
  E.manualSeed(SEED);
  const cpuModule = make();
  const x = E.fromValues(xValues, inputShape).requireGrad();
  const failures = E.gradcheck((input) => cpuModule.forward(input) as E.Tensor, [x, ...cpuModule.parameters()]);
  if (failures.length > 0) {
    const f = failures[0];
    assert.unreachable(`gradcheck: ${failures.length} mismatches; first: input ${f.input}[${f.index}] analytic ${f.analytic} numeric ${f.numeric}`);
  }
  const reference = await evaluateModule(cpuModule, xValues, inputShape, E.cpuBackend());

  const gpu = await E.setBackend('webgpu');
  E.manualSeed(SEED);
  const gpuModule = make();
  const actual = await evaluateModule(gpuModule, xValues, inputShape, gpu);
  await E.setBackend('cpu');

  assert.equal(actual.shape, reference.shape, 'output shape');
  assertClose(actual.forward, reference.forward, atol, rtol, 'forward');
  reference.grads.forEach((g, i) => assertClose(actual.grads[i], g, atol, rtol, i === 0 ? 'input gradient' : `gradient of parameter ${i - 1}`));
  cpuModule.dispose();
  gpuModule.dispose();
}

class TinyAutoencoder extends nn.Module {
  encoder = this.module('encoder', new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2)));
  decoder = this.module('decoder', new nn.Linear(2, 4, { bias: false }));
  scale = this.param('scale', E.ones([4]));

  forward(x: E.Tensor): E.Tensor {
    return E.mul(this.decoder.forward(this.encoder.forward(x)), this.scale);
  }
}

test('parameters have dotted names, own before submodules, as PyTorch state_dict keys', () => {
  const net = new TinyAutoencoder();
  const names = net.namedParameters().map(([name]) => name);
  assert.equal(names, ['scale', 'encoder.0.weight', 'encoder.0.bias', 'encoder.2.weight', 'encoder.2.bias', 'decoder.weight']);
  assert.equal(net.parameters().map((p) => p.shape), [[4], [3, 4], [3], [2, 3], [2], [4, 2]]);
  assert.ok(net.parameters().every((p) => p.requiresGrad && p.kept));
  // 4 + (4*3 + 3) + (3*2 + 2) + 2*4 = 35
  assert.is(net.parameterCount(), 35);
  net.dispose();
});

test('train() and eval() set the flag on every submodule', () => {
  const net = new TinyAutoencoder();
  assert.ok(net.namedModules().every(([, m]) => m.training));
  net.eval();
  assert.ok(net.namedModules().every(([, m]) => !m.training));
  net.train();
  assert.ok(net.encoder.layers[1].training);
  net.dispose();
});

test('summary lists every module with output shapes, parameter shapes and counts', () => {
  const net = new TinyAutoencoder();
  const text = net.summary([5, 4]);
  const lines = text.split('\n');
  assert.match(lines[1], /^\(root\)\s+TinyAutoencoder\s+\[5, 4\]\s+scale \[4\]\s+4$/);
  assert.match(lines[3], /^ {4}0\s+Linear\(4 -> 3\)\s+\[5, 3\]\s+weight \[3, 4\], bias \[3\]\s+15$/);
  assert.match(lines[6], /^ {2}decoder\s+Linear\(2 -> 4, no bias\)\s+\[5, 4\]\s+weight \[4, 2\]\s+8$/);
  assert.is(lines[lines.length - 1], 'total parameters: 35');
  assert.ok(net.training, 'summary restores training mode');
  net.dispose();
});

test('registering a name twice or a dotted name fails with the name', () => {
  class Bad extends nn.Module {
    a = this.param('w', E.zeros([1]));
    b = this.param('w', E.zeros([1]));
    forward(x: E.Tensor) {
      return x;
    }
  }
  assert.throws(() => new Bad(), /Bad: cannot register "w" \(the name is already taken\)/);
  class Dotted extends nn.Module {
    a = this.module('x.y', new nn.ReLU());
    forward(x: E.Tensor) {
      return x;
    }
  }
  assert.throws(() => new Dotted(), /cannot register "x.y"/);
});

test('Linear init is U(-1/sqrt(in), 1/sqrt(in)) from the seeded stream: weight, then bias', async () => {
  for (const backendName of ['cpu', 'webgpu'] as const) {
    await E.setBackend(backendName);
    E.manualSeed(SEED);
    const layer = new nn.Linear(5, 3);
    const bound = 1 / Math.sqrt(5);
    const expectedWeight = Array.from(uniform(SEED, 0, 15), (u) => -bound + 2 * bound * u);
    // the weight's 15 numbers use ceil(15 / 4) = 4 blocks; the bias starts at block 4
    const expectedBias = Array.from(uniform(SEED, 4, 3), (u) => -bound + 2 * bound * u);
    assertClose(await layer.weight.toArray(), expectedWeight, 1e-7, 1e-6, `${backendName} weight`);
    assertClose(await layer.bias!.toArray(), expectedBias, 1e-7, 1e-6, `${backendName} bias`);
    layer.dispose();
  }
  await E.setBackend('cpu');
});

test('Linear: forward and gradients on (6, 5), with and without bias, and on a rank-3 input', async () => {
  await checkModule(() => new nn.Linear(5, 3), [6, 5]);
  await checkModule(() => new nn.Linear(5, 3, { bias: false }), [6, 5]);
  await checkModule(() => new nn.Linear(4, 2), [2, 3, 4]);
  await checkModule(() => new nn.Linear(4, 2), [4]);
});

test('Linear: a wrong input size names the layer and the shape', () => {
  const layer = new nn.Linear(4, 2);
  assert.throws(() => layer.forward(E.zeros([3, 5])), /Linear\(4 -> 2\): input \[3, 5\] needs a last axis of 4/);
  layer.dispose();
});

const activations: [string, () => E.nn.Module][] = [
  ['ReLU', () => new nn.ReLU()],
  ['LeakyReLU', () => new nn.LeakyReLU(0.2)],
  ['Sigmoid', () => new nn.Sigmoid()],
  ['Tanh', () => new nn.Tanh()],
];
for (const [name, make] of activations) {
  test(`${name}: forward and gradient on (3, 7)`, async () => {
    await checkModule(make, [3, 7], { low: -4, high: 4 });
  });
}

test('Flatten and Unflatten: shapes as PyTorch, gradients pass through', async () => {
  assert.equal(new nn.Flatten().forward(E.zeros([2, 3, 4, 5])).shape, [2, 60]);
  assert.equal(new nn.Flatten(1, 2).forward(E.zeros([2, 3, 4, 5])).shape, [2, 12, 5]);
  assert.equal(new nn.Unflatten(1, [3, 4]).forward(E.zeros([2, 12])).shape, [2, 3, 4]);
  assert.throws(() => new nn.Unflatten(1, [3, 5]).forward(E.zeros([2, 12])), /Unflatten: axis 1 of \[2, 12\] has 12 elements, not \[3, 5\]/);
  await checkModule(() => new nn.Sequential(new nn.Flatten(), new nn.Linear(6, 6), new nn.Unflatten(1, [2, 3])), [2, 2, 3]);
});

test('Sequential MLP with every activation: forward and gradients', async () => {
  await checkModule(
    () => new nn.Sequential(new nn.Linear(4, 6), new nn.LeakyReLU(0.2), new nn.Linear(6, 5), new nn.Tanh(), new nn.Linear(5, 3), new nn.Sigmoid()),
    [7, 4],
  );
});

test('a nested module tree: forward and gradients of every parameter', async () => {
  await checkModule(() => new TinyAutoencoder(), [3, 4]);
});

// ---- BatchNorm ----------------------------------------------------------------------------------------

test('BatchNorm1d: worked example of batch statistics, running statistics (unbiased var) and eval', async () => {
  for (const backendName of ['cpu', 'webgpu'] as const) {
    await E.setBackend(backendName);
    const bn = new nn.BatchNorm1d(1);
    const x = E.tensor([[1], [3]]);
    // batch mean 2, biased variance 1: y = (x - 2) / sqrt(1 + eps)
    const eps = 1e-5;
    assertClose(await bn.forward(x).toArray(), [-1 / Math.sqrt(1 + eps), 1 / Math.sqrt(1 + eps)], 1e-6, 1e-6, `${backendName} train`);
    // running_mean = 0.9 * 0 + 0.1 * 2; running_var = 0.9 * 1 + 0.1 * 2 (unbiased: 2 / (2 - 1) = 2)
    assertClose(await bn.runningMean.toArray(), [0.2], 1e-7, 1e-6, `${backendName} running mean`);
    assertClose(await bn.runningVar.toArray(), [1.1], 1e-7, 1e-6, `${backendName} running var`);
    bn.eval();
    assertClose(await bn.forward(x).toArray(), [0.8 / Math.sqrt(1.1 + eps), 2.8 / Math.sqrt(1.1 + eps)], 1e-6, 1e-6, `${backendName} eval`);
    assertClose(await bn.runningMean.toArray(), [0.2], 1e-7, 1e-6, `${backendName} eval leaves running stats alone`);
    assert.equal(bn.namedBuffers().map(([name]) => name), ['running_mean', 'running_var']);
    bn.dispose();
  }
  await E.setBackend('cpu');
});

test('BatchNorm1d and BatchNorm2d in training mode: forward and gradients through the batch statistics', async () => {
  await checkModule(() => new nn.BatchNorm1d(3), [5, 3]);
  await checkModule(() => new nn.BatchNorm1d(2), [3, 2, 4]);
  await checkModule(() => new nn.BatchNorm2d(3), [2, 3, 2, 3]);
});

test('BatchNorm2d in eval mode: forward and gradients with fixed running statistics', async () => {
  await checkModule(() => {
    const bn = new nn.BatchNorm2d(2);
    nn.assign(bn.runningMean, E.tensor([0.5, -1]));
    nn.assign(bn.runningVar, E.tensor([2, 0.25]));
    return bn.eval();
  }, [2, 2, 3, 3]);
});

test('BatchNorm: a wrong channel count or a single value per channel is refused', () => {
  assert.throws(() => new nn.BatchNorm2d(3).forward(E.zeros([2, 4, 2, 2])), /BatchNorm2d\(3\): input \[2, 4, 2, 2\] must have rank 4 with 3 channels on axis 1/);
  assert.throws(() => new nn.BatchNorm1d(3).forward(E.zeros([1, 3])), /BatchNorm1d\(3\): training needs more than 1 value per channel/);
});

// ---- convolution and pooling -------------------------------------------------------------------------

test('Conv2d (stride 2, padding 1) and ConvTranspose2d (output padding 1): forward and gradients', async () => {
  await checkModule(() => new nn.Conv2d(2, 3, 3, { stride: 2, padding: 1 }), [2, 2, 5, 5]);
  await checkModule(() => new nn.Conv2d(2, 2, [1, 2], { bias: false }), [1, 2, 3, 3]);
  await checkModule(() => new nn.ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }), [1, 3, 3, 3]);
});

test('Conv init: fan_in is C_in kH kW for Conv2d and C_out kH kW for ConvTranspose2d (weight axis 1)', async () => {
  E.manualSeed(SEED);
  const conv = new nn.Conv2d(2, 5, 3);
  const convBound = 1 / Math.sqrt(2 * 9);
  assertClose(await conv.weight.toArray(), Array.from(uniform(SEED, 0, 90), (u) => -convBound + 2 * convBound * u), 1e-12, 0);
  E.manualSeed(SEED);
  const transposed = new nn.ConvTranspose2d(2, 5, 3);
  assert.equal(transposed.weight.shape, [2, 5, 3, 3]);
  const transposedBound = 1 / Math.sqrt(5 * 9);
  assertClose(await transposed.weight.toArray(), Array.from(uniform(SEED, 0, 90), (u) => -transposedBound + 2 * transposedBound * u), 1e-12, 0);
  conv.dispose();
  transposed.dispose();
});

test('MaxPool2d, AvgPool2d, Upsample: forward and gradients; a small conv net end to end', async () => {
  await checkModule(() => new nn.MaxPool2d({ kernel: 2 }), [1, 2, 4, 4]);
  await checkModule(() => new nn.AvgPool2d({ kernel: 2 }), [1, 2, 4, 4]);
  await checkModule(() => new nn.Upsample({ scale: 2 }), [1, 2, 2, 3]);
  await checkModule(
    () => new nn.Sequential(new nn.Conv2d(1, 2, 3, { padding: 1 }), new nn.BatchNorm2d(2), new nn.ReLU(), new nn.MaxPool2d({ kernel: 2 }), new nn.Flatten(), new nn.Linear(8, 3)),
    [2, 1, 4, 4],
  );
});

test('dispose frees every parameter', () => {
  const before = E.memory().liveBuffers;
  const net = new TinyAutoencoder();
  net.dispose();
  assert.is(E.memory().liveBuffers, before);
});

test.after(() => E.releaseDevice());
test.run();
