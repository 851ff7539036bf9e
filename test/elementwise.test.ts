// Elementwise ops: gradcheck on the CPU backend and GPU-vs-CPU agreement, on odd shapes with broadcasting.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../engine/index.js';
import { checkOp, assertClose } from './lib/check.js';
import { operandAccess } from '../engine/backend/webgpu/elementwise.js';
import { gpuKernels } from '../engine/backend/webgpu/registry.js';
import { broadcastStrides } from '../engine/ops/broadcast.js';
import { BINARY_OPS, UNARY_OPS } from '../engine/ops/elementwise.js';

const unaryCases: [string, (x: E.Tensor) => E.Tensor, { low?: number; high?: number }][] = [
  ['neg', E.neg, {}],
  ['abs', E.abs, {}],
  ['exp', E.exp, {}],
  ['log', E.log, { low: 0.1, high: 3 }],
  ['sqrt', E.sqrt, { low: 0.1, high: 3 }],
  ['relu', E.relu, {}],
  ['leakyRelu', (x) => E.leakyRelu(x, 0.2), {}],
  ['sigmoid', E.sigmoid, { low: -6, high: 6 }],
  ['tanh', E.tanh, { low: -4, high: 4 }],
  ['softplus', E.softplus, { low: -6, high: 6 }],
];

for (const [name, f, range] of unaryCases) {
  test(`${name}: gradcheck and GPU vs CPU on [7, 33]`, async () => {
    await checkOp(f, [{ shape: [7, 33], ...range }]);
  });
}

const binaryCases: [string, (a: E.Tensor, b: E.Tensor) => E.Tensor][] = [
  ['add', E.add],
  ['sub', E.sub],
  ['mul', E.mul],
  ['div', E.div],
  ['maximum', E.maximum],
  ['minimum', E.minimum],
];

for (const [name, f] of binaryCases) {
  test(`${name}: broadcast [3, 1, 5] with [4, 1]`, async () => {
    await checkOp(f, [{ shape: [3, 1, 5], low: 0.5, high: 2 }, { shape: [4, 1], low: -2, high: -0.5 }]);
  });
  test(`${name}: same shape [129]`, async () => {
    await checkOp(f, [{ shape: [129], low: 0.5, high: 2 }, { shape: [129], low: 0.5, high: 2 }]);
  });
}

test('pow: positive base, broadcast exponent', async () => {
  await checkOp(E.pow, [{ shape: [5, 7], low: 0.5, high: 2 }, { shape: [7], low: -2, high: 2 }]);
});

test('pow: negative base with integer exponents (as Math.pow)', async () => {
  await checkOp((a) => E.pow(a, E.tensor([0, 1, 2, 3], [4], a.backend)), [{ shape: [3, 4], low: -3, high: -0.5 }]);
  const x = E.tensor([-2, -2, 0, -8], [4], E.cpuBackend());
  const y = E.pow(x, E.tensor([3, 2, 0, 0.5], [4], E.cpuBackend()));
  assertClose(await y.toArray(), [-8, 4, 1, NaN]);
});

test('comparisons and where: values against hand-worked results', async () => {
  const gpu = await E.webgpu();
  for (const backend of [E.cpuBackend(), gpu]) {
    const a = E.tensor([1, 2, 3], [3], backend);
    const b = E.tensor([2, 2, 2], [3], backend);
    assertClose(await E.lt(a, b).toArray(), [1, 0, 0]);
    assertClose(await E.le(a, b).toArray(), [1, 1, 0]);
    assertClose(await E.gt(a, b).toArray(), [0, 0, 1]);
    assertClose(await E.ge(a, b).toArray(), [0, 1, 1]);
    assertClose(await E.eq(a, b).toArray(), [0, 1, 0]);
    assertClose(await E.ne(a, b).toArray(), [1, 0, 1]);
    assertClose(await E.where(E.gt(a, b), a, E.tensor([[10], [20]], undefined, backend)).toArray(), [10, 10, 3, 20, 20, 3]);
  }
});

test('where: gradients flow to the chosen branch only', async () => {
  await checkOp((c, a, b) => E.where(c, a, b), [
    { shape: [5, 1], values: [1, 0, 1, 1, 0], constant: true },
    { shape: [5, 3] },
    { shape: [3] },
  ]);
});

test('softplus and sigmoid are stable for large |x|', async () => {
  const gpu = await E.webgpu();
  for (const backend of [E.cpuBackend(), gpu]) {
    const x = E.tensor([-100, -30, 0, 30, 100], [5], backend);
    // softplus(x) = x + log(1 + e^-x) -> x for large x, e^x for very negative x
    assertClose(await E.softplus(x).toArray(), [Math.exp(-100), Math.exp(-30), Math.LN2, 30, 100], 1e-6, 1e-6);
    assertClose(await E.sigmoid(x).toArray(), [Math.exp(-100), 1 / (1 + Math.exp(30)), 0.5, 1, 1], 1e-7, 1e-5);
  }
});

test('shape mismatch names the op and both shapes before any kernel runs', () => {
  const a = E.zeros([2, 3], E.cpuBackend());
  const b = E.zeros([4], E.cpuBackend());
  assert.throws(() => E.add(a, b), /add: shapes \[2, 3\] and \[4\] cannot be broadcast/);
});

test('a disposed tensor cannot be used', () => {
  const a = E.zeros([2], E.cpuBackend());
  a.dispose();
  assert.throws(() => E.exp(a), /used after dispose/);
});

test.after(() => E.releaseDevice());
test('every row of the op tables is an exported function and a Tensor method giving hand-worked values', async () => {
  await E.setBackend('cpu');
  const x = E.tensor([0.5, -2, 4]);
  const y = E.tensor([2, -2, 1]);
  // hand-worked: f(0.5), f(-2), f(4) and a op b for the pairs (0.5, 2), (-2, -2), (4, 1)
  const expected: Record<string, number[]> = {
    neg: [-0.5, 2, -4], abs: [0.5, 2, 4], sign: [1, -1, 1], exp: [Math.E ** 0.5, Math.E ** -2, Math.E ** 4], log: [Math.log(0.5), NaN, Math.log(4)],
    sqrt: [Math.SQRT1_2, NaN, 2], relu: [0.5, 0, 4], leakyRelu: [0.5, -0.02, 4], sigmoid: [1 / (1 + Math.E ** -0.5), 1 / (1 + Math.E ** 2), 1 / (1 + Math.E ** -4)],
    tanh: [Math.tanh(0.5), Math.tanh(-2), Math.tanh(4)], softplus: [Math.log(1 + Math.E ** 0.5), Math.log(1 + Math.E ** -2), Math.log(1 + Math.E ** 4)],
    add: [2.5, -4, 5], sub: [-1.5, 0, 3], mul: [1, 4, 4], div: [0.25, 1, 4], pow: [0.25, 0.25, 4], maximum: [2, -2, 4], minimum: [0.5, -2, 1],
    lt: [1, 0, 0], le: [1, 1, 0], gt: [0, 0, 1], ge: [0, 1, 1], eq: [0, 1, 0], ne: [1, 0, 1],
  };
  const ops = E as unknown as Record<string, (...args: unknown[]) => E.Tensor>;
  for (const op of [...UNARY_OPS, ...BINARY_OPS]) {
    const binary = (BINARY_OPS as string[]).includes(op);
    const method = (x as unknown as Record<string, (...args: unknown[]) => E.Tensor>)[op];
    assert.type(ops[op], 'function', op);
    const fromFunction = await (binary ? ops[op](x, y) : ops[op](x)).toArray();
    const fromMethod = await (binary ? method.call(x, y) : method.call(x)).toArray();
    assertClose(Array.from(fromFunction), expected[op], 1e-12, 1e-12, `${op}()`);
    assertClose(Array.from(fromMethod), expected[op], 1e-12, 1e-12, `x.${op}()`);
  }
  assert.is(Object.keys(expected).length, UNARY_OPS.length + BINARY_OPS.length);
  await E.setBackend('webgpu');
});

test.run();

// The WebGPU kernels read each operand in the cheapest access mode its broadcast allows
// (shaders/broadcast_common.wgsl): 0 FULL, 1 SCALAR, 2 DIVMOD (i / div) % mod, 3 STRIDED.
const accessCases: [string, number[], number[], { mode: number; div: number; mod: number }][] = [
  ['same shape', [2, 3, 5, 7], [2, 3, 5, 7], { mode: 0, div: 1, mod: 1 }],
  ['0-d scalar', [], [2, 3, 5, 7], { mode: 1, div: 1, mod: 1 }],
  ['all-ones scalar', [1, 1, 1], [2, 3, 5, 7], { mode: 1, div: 1, mod: 1 }],
  ['bias row', [7], [2, 3, 5, 7], { mode: 2, div: 1, mod: 7 }],
  ['per-channel', [1, 3, 1, 1], [2, 3, 5, 7], { mode: 2, div: 35, mod: 3 }],
  ['column', [2, 3, 1, 1], [2, 3, 5, 7], { mode: 2, div: 35, mod: 6 }],
  ['middle run with a kept 1', [3, 1, 7], [2, 3, 1, 7], { mode: 2, div: 1, mod: 21 }],
  ['two separate runs', [2, 1, 1, 7], [2, 3, 5, 7], { mode: 3, div: 1, mod: 1 }],
];

for (const [name, shape, outShape, expected] of accessCases) {
  test(`access mode of ${E.formatShape(shape)} over ${E.formatShape(outShape)} (${name}), and add agrees with the CPU there`, async () => {
    assert.equal(operandAccess(outShape, broadcastStrides(shape, outShape)), expected);
    await checkOp(E.add, [{ shape: outShape }, { shape }], { noFiniteDifferences: true });
    await checkOp((c, a, b) => E.where(E.gt(c, 0), a, b), [{ shape, constant: true }, { shape: outShape }, { shape }], { noFiniteDifferences: true });
  });
}

test('relu and leakyRelu backward: dy where x > 0, else 0 or slope * dy (hand-worked, both backends)', async () => {
  for (const backend of [E.cpuBackend(), await E.webgpu()]) {
    const x = E.tensor([-2, 0, 3], [3], backend).requireGrad();
    const dy = E.tensor([5, 6, 7], [3], backend);
    E.relu(x).backward(dy);
    assert.equal(Array.from(await x.grad!.toArray()), [0, 0, 7]);
    x.grad!.dispose();
    x.grad = null;
    E.leakyRelu(x, 0.5).backward(dy);
    assert.equal(Array.from(await x.grad!.toArray()), [2.5, 3, 7]);
  }
});

test('four elements per thread (n % 4 == 0): unary, binary with full and scalar operands, where, against the CPU', async () => {
  const shape = [6, 10];
  for (const [name] of unaryCases) {
    const f = unaryCases.find(([n]) => n === name)![1];
    await checkOp(f, [{ shape, low: 0.1, high: 3 }], { noFiniteDifferences: true });
  }
  await checkOp(E.mul, [{ shape }, { shape }], { noFiniteDifferences: true });
  await checkOp(E.sub, [{ shape }, { shape: [] }], { noFiniteDifferences: true });
  await checkOp(E.div, [{ shape: [1, 1] }, { shape, low: 0.5, high: 2 }], { noFiniteDifferences: true });
  await checkOp((a, b) => E.leakyRelu(E.mul(a, b), 0.3), [{ shape }, { shape }], { noFiniteDifferences: true });
  await checkOp((c, a, b) => E.where(E.gt(c, 0), a, b), [{ shape, constant: true }, { shape }, { shape: [] }], { noFiniteDifferences: true });
  const label = (shape: number[], bShape: number[]) =>
    gpuKernels.binary!.label!({ op: { name: 'add', cpu: (a, b) => a + b, wgsl: 'a + b' }, shape, aStrides: broadcastStrides(shape, shape), bStrides: broadcastStrides(bShape, shape) });
  assert.is(label([6, 8], [8]), 'binary add vec4');
  assert.is(label([2, 3, 4, 4], [1, 3, 1, 1]), 'binary add vec4');
  assert.is(label([6, 10], [10]), 'binary add');
  // DIVMOD operands read four at a time: a row of 8 (one aligned quad), a per-channel value over 4x4 maps (one
  // value for all four); a row of 10 is not quad-aligned and takes the one-per-thread kernel
  await checkOp(E.add, [{ shape: [6, 8] }, { shape: [8] }], { noFiniteDifferences: true });
  await checkOp(E.mul, [{ shape: [2, 3, 4, 4] }, { shape: [1, 3, 1, 1] }], { noFiniteDifferences: true });
  await checkOp(E.sub, [{ shape: [6, 10] }, { shape: [10] }], { noFiniteDifferences: true });
  await checkOp((c, a, b) => E.where(E.gt(c, 0), a, b), [{ shape: [3, 1, 1], constant: true }, { shape: [2, 3, 4, 4] }, { shape: [4] }], { noFiniteDifferences: true });
});
