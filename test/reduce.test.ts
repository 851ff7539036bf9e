// Reductions: sum, mean, max, logsumexp over any set of axes with keepDims; softmax and logSoftmax.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../engine/index.js';
import { assertClose, checkOp } from './lib/check.js';

const cases: [string, (x: E.Tensor) => E.Tensor][] = [
  ['sum all', (x) => E.sum(x)],
  ['sum axis 1', (x) => E.sum(x, 1)],
  ['sum axes [0, 2] keepDims', (x) => E.sum(x, [0, 2], true)],
  ['mean axis -1', (x) => E.mean(x, -1)],
  ['mean axes [0, 1]', (x) => E.mean(x, [0, 1])],
  ['max axis 1', (x) => E.max(x, 1)],
  ['max axes [0, 2] keepDims', (x) => E.max(x, [0, 2], true)],
  ['min axis 0', (x) => E.min(x, 0)],
  ['logsumexp axis 2', (x) => E.logsumexp(x, 2)],
  ['logsumexp axes [1, 2] keepDims', (x) => E.logsumexp(x, [1, 2], true)],
  ['softmax axis -1', (x) => E.softmax(x, -1)],
  ['softmax axis 1', (x) => E.softmax(x, 1)],
  ['logSoftmax axis 0', (x) => E.logSoftmax(x, 0)],
];

for (const [name, f] of cases) {
  test(`${name}: gradcheck and GPU vs CPU on [3, 7, 5]`, async () => {
    await checkOp(f, [{ shape: [3, 7, 5] }]);
  });
}

test('sum over a long axis (129 x 1000, more than one workgroup stride) and size-1 axes', async () => {
  await checkOp((x) => E.sum(x, 1), [{ shape: [129, 1000] }], { noGrad: true, atol: 1e-3 });
  await checkOp((x) => E.sum(x, [1, 3]), [{ shape: [2, 1, 33, 1] }]);
});

test('hand-worked values', async () => {
  const gpu = await E.webgpu();
  for (const backend of [E.cpuBackend(), gpu]) {
    const x = E.tensor([[1, 2, 3], [4, 5, 6]], undefined, backend);
    assertClose(await E.sum(x, 0).toArray(), [5, 7, 9]);
    assertClose(await E.sum(x, 1, true).toArray(), [6, 15]);
    assertClose(await E.mean(x).toArray(), [3.5]);
    assertClose(await E.max(x, 1).toArray(), [3, 6]);
    // logsumexp(1000, 1000) = 1000 + ln 2: no overflow
    assertClose(await E.logsumexp(E.tensor([1000, 1000], [2], backend)).toArray(), [1000 + Math.LN2], 1e-3, 1e-6);
    assertClose(await E.softmax(E.tensor([0, Math.log(3)], [2], backend)).toArray(), [0.25, 0.75], 1e-6);
  }
});

test('max shares the gradient evenly among ties', async () => {
  const x = E.tensor([2, 5, 5, 1], [4], E.cpuBackend()).requireGrad();
  E.max(x).backward();
  assertClose(await x.grad!.toArray(), [0, 0.5, 0.5, 0]);
});

test('bad axes are rejected naming the op', () => {
  const x = E.zeros([2, 3], E.cpuBackend());
  assert.throws(() => E.sum(x, 2), /sum: axis 2 is out of range for rank 2/);
});

test.after(() => E.releaseDevice());
test.run();
