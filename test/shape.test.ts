// Shape ops: reshape, permute/transpose, slice, concat, broadcastTo, gather, on odd shapes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../engine/index.js';
import { assertClose, checkOp } from './lib/check.js';

test('reshape (with -1) and flatten', async () => {
  await checkOp((x) => E.mul(E.reshape(x, [7, -1]), 2), [{ shape: [3, 7, 5] }]);
  await checkOp((x) => E.exp(E.flatten(x)), [{ shape: [3, 1, 5] }]);
});

test('permute and transpose', async () => {
  await checkOp((x) => E.permute(x, [2, 0, 1]), [{ shape: [3, 7, 5] }]);
  await checkOp((x) => E.transpose(x), [{ shape: [33, 7] }]);
  await checkOp((x) => E.permute(x, [3, 1, 0, 2]), [{ shape: [2, 1, 3, 5] }]);
});

test('slice', async () => {
  await checkOp((x) => E.slice(x, [1, 0, 2], [2, -1, 3]), [{ shape: [3, 7, 5] }]);
});

test('concat', async () => {
  await checkOp((a, b, c) => E.concat([a, b, c], 1), [{ shape: [3, 2, 5] }, { shape: [3, 7, 5] }, { shape: [3, 1, 5] }]);
  await checkOp((a, b) => E.concat([a, b], -1), [{ shape: [4, 3] }, { shape: [4, 1] }]);
});

test('broadcastTo', async () => {
  await checkOp((x) => E.broadcastTo(x, [4, 3, 5]), [{ shape: [3, 1] }]);
});

test('gather along an axis, repeated indices accumulate in the gradient', async () => {
  await checkOp((x) => E.gather(x, [2, 0, 2, 6], 1), [{ shape: [3, 7, 5] }]);
  await checkOp((x, i) => E.gather(x, i, 0), [{ shape: [5, 3] }, { shape: [4], values: [4, 4, 0, 1], constant: true }]);
});

test('hand-worked values on both backends', async () => {
  const gpu = await E.webgpu();
  for (const backend of [E.cpuBackend(), gpu]) {
    const x = E.tensor([[1, 2, 3], [4, 5, 6]], undefined, backend);
    assertClose(await E.transpose(x).toArray(), [1, 4, 2, 5, 3, 6]);
    assertClose(await E.slice(x, [0, 1], [2, 2]).toArray(), [2, 3, 5, 6]);
    assertClose(await E.concat([x, x], 0).toArray(), [1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6]);
    assertClose(await E.gather(x, [2, 0], 1).toArray(), [3, 1, 6, 4]);
    assertClose(await E.broadcastTo(E.tensor([7, 8], [2, 1], backend), [2, 2]).toArray(), [7, 7, 8, 8]);
  }
});

test('errors name the op and the shapes', () => {
  const x = E.zeros([2, 3], E.cpuBackend());
  assert.throws(() => E.reshape(x, [4, 2]), /reshape: cannot reshape \[2, 3\] \(6 elements\) to \[4, 2\]/);
  assert.throws(() => E.permute(x, [0, 0]), /permute: \[0, 0\] is not a permutation/);
  assert.throws(() => E.slice(x, [1, 0], [2, 3]), /slice: begin \[1,0\] size \[2,3\] is outside \[2, 3\]/);
  assert.throws(() => E.concat([x, E.zeros([3, 3], E.cpuBackend())], 1), /concat: shapes \[2, 3\], \[3, 3\] differ off axis 1/);
  assert.throws(() => E.gather(x, [3], 1), /gather: index 3 is out of range for axis 1 of size 3/);
});

test.after(() => E.releaseDevice());
test.run();
