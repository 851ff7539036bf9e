// Autograd: accumulation, shared subexpressions, broadcasting, noGrad/detach, scopes, and its errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../engine/index.js';
import { assertClose, checkOp } from './lib/check.js';

const cpu = E.cpuBackend();

test('a composite expression with a reused input: gradcheck and GPU vs CPU', async () => {
  // f(x, y) = sum(tanh(x @ y) * x @ y + exp(-x @ y)) with x used twice
  await checkOp(
    (x, y) => {
      const z = E.matmul(x, y);
      return E.sum(E.add(E.mul(E.tanh(z), z), E.exp(E.neg(z))));
    },
    [{ shape: [7, 5], low: -1, high: 1 }, { shape: [5, 3], low: -1, high: 1 }],
  );
});

test('broadcast inputs get gradients of their own shape (hand-worked)', async () => {
  const a = E.tensor([[1], [2]], undefined, cpu).requireGrad(); // (2, 1)
  const b = E.tensor([10, 20, 30], [3], cpu).requireGrad(); // (3)
  E.sum(E.mul(a, b)).backward();
  // d/da_i = sum_j b_j = 60 ; d/db_j = sum_i a_i = 3
  assertClose(await a.grad!.toArray(), [60, 60]);
  assertClose(await b.grad!.toArray(), [3, 3, 3]);
  assert.equal(a.grad!.shape, [2, 1]);
});

test('gradients accumulate across backward calls until cleared', async () => {
  const x = E.tensor([3], [1], cpu).requireGrad();
  E.sum(E.mul(x, x)).backward();
  E.sum(E.mul(x, x)).backward();
  assertClose(await x.grad!.toArray(), [12]); // 2 * (2x)
});

test('noGrad records nothing; detach stops the gradient', async () => {
  const x = E.tensor([2], [1], cpu).requireGrad();
  const y = E.noGrad(() => E.mul(x, x));
  assert.is(y.requiresGrad, false);
  const z = E.sum(E.mul(E.detach(x), x)); // d/dx = detach(x) = 2
  z.backward();
  assertClose(await x.grad!.toArray(), [2]);
});

test('backward on a non-scalar needs a seed; with one it is a vector-Jacobian product', async () => {
  const x = E.tensor([1, 2, 3], [3], cpu).requireGrad();
  const y = E.mul(x, x);
  assert.throws(() => y.backward(), /backward\(\): tensor has shape \[3\]; pass a seed gradient/);
  y.backward(E.tensor([1, 0, 2], [3], cpu));
  assertClose(await x.grad!.toArray(), [2, 0, 12]);
});

test('backward computes only the gradients that are needed (one matmul for dW when x needs none)', () => {
  const x = E.ones([4, 3], cpu);
  const w = E.ones([3, 2], cpu).requireGrad();
  const loss = E.sum(E.matmul(x, w));
  const counts = new Map<string, number>();
  const run = cpu.run.bind(cpu);
  cpu.run = ((name: string, ...rest: unknown[]) => {
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return (run as (...args: unknown[]) => void)(name, ...rest);
  }) as typeof cpu.run;
  try {
    loss.backward();
  } finally {
    cpu.run = run;
  }
  assert.is(counts.get('matmul'), 1);
  assert.is(x.grad, null);
});

test('tidy disposes intermediates and keeps what it returns', () => {
  const before = cpu.memory().liveBuffers;
  const kept = E.tidy(() => {
    const a = E.ones([4], cpu);
    const b = E.add(a, 1);
    return E.mul(b, 2);
  });
  assert.is(cpu.memory().liveBuffers, before + 1);
  kept.dispose();
  assert.is(cpu.memory().liveBuffers, before);
});

test('tidy rejects async functions', () => {
  assert.throws(() => E.tidy(async () => 1), /must be synchronous/);
});

test.after(() => E.releaseDevice());
test.run();
