// Losses: gradients by finite differences and GPU-vs-CPU agreement (checkOp), values worked by hand,
// stability at large logits, and the meaning of each reduction.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../engine/index.js';
import { assertClose, checkOp } from './lib/check.js';

const { nn } = E;
const cpu = E.cpuBackend();
const t = (values: number[] | number[][], shape?: number[]) => E.tensor(values, shape, cpu);

async function value(x: E.Tensor): Promise<number[]> {
  return Array.from(await x.toArray());
}

// ---- gradients ---------------------------------------------------------------------------------------

const reductions: E.nn.Reduction[] = ['none', 'sum', 'mean', 'batchmean'];

for (const reduction of reductions) {
  test(`bceWithLogits, mse, l1 (reduction ${reduction}): gradcheck and GPU vs CPU`, async () => {
    const probs = { shape: [4, 5], low: 0, high: 1 };
    await checkOp((x, y) => nn.bceWithLogits(x, y, { reduction }), [{ shape: [4, 5], low: -6, high: 6 }, probs]);
    await checkOp((x, y) => nn.mse(x, y, { reduction }), [{ shape: [4, 5] }, { shape: [4, 5] }]);
    await checkOp((x, y) => nn.l1(x, y, { reduction }), [{ shape: [4, 5] }, { shape: [4, 5] }]);
  });
}

test('bce on probabilities: gradcheck (prob and target) and GPU vs CPU', async () => {
  await checkOp((p, y) => nn.bce(p, y), [{ shape: [3, 4], low: 0.05, high: 0.95 }, { shape: [3, 4], low: 0, high: 1 }]);
  await checkOp((p, y) => nn.bce(p, y, { reduction: 'sum' }), [{ shape: [6], low: 0.05, high: 0.95 }, { shape: [6], low: 0, high: 1, constant: true }]);
});

test('crossEntropy: gradcheck and GPU vs CPU, labels as a host array and as a tensor', async () => {
  const labels = [2, 0, 4, 1];
  await checkOp((x) => nn.crossEntropy(x, labels), [{ shape: [4, 5], low: -3, high: 3 }]);
  await checkOp((x, l) => nn.crossEntropy(x, l, { reduction: 'none' }), [{ shape: [4, 5], low: -3, high: 3 }, { shape: [4], values: labels, constant: true }]);
});

test('klNormal: gradcheck and GPU vs CPU', async () => {
  await checkOp((mu, logvar) => nn.klNormal(mu, logvar), [{ shape: [3, 4] }, { shape: [3, 4], low: -2, high: 1 }]);
  await checkOp((mu, logvar) => nn.klNormal(mu, logvar, { reduction: 'none' }), [{ shape: [5] }, { shape: [5] }]);
});

test('klCategoricalUniform: gradcheck and GPU vs CPU, from logits and from probabilities', async () => {
  await checkOp((x) => nn.klCategoricalUniform(x, 3), [{ shape: [2, 6], low: -3, high: 3 }]);
  await checkOp((x) => nn.klCategoricalUniform(x, 4, { reduction: 'none' }), [{ shape: [3, 4], low: -3, high: 3 }]);
  await checkOp((q) => nn.klCategoricalUniform(q, 2, { input: 'probs', reduction: 'batchmean' }), [{ shape: [3, 4], low: 0.1, high: 0.9 }]);
});

// ---- values worked by hand ---------------------------------------------------------------------------

test('bceWithLogits: (0, 1) is ln 2; logits of +-100 give finite losses and gradients sigmoid(x) - t', async () => {
  assertClose(await value(nn.bceWithLogits(t([0]), t([1]))), [Math.LN2], 1e-15, 0);
  const gpu = await E.webgpu();
  for (const backend of [cpu, gpu]) {
    const x = E.tensor([100, -100, 100, -100], [4], backend).requireGrad();
    const y = E.tensor([0, 1, 1, 0], [4], backend);
    const loss = nn.bceWithLogits(x, y, { reduction: 'none' });
    // confidently wrong: loss = |x| = 100; confidently right: log(1 + e^-100) ~ 3.7e-44
    assertClose(await value(loss), [100, 100, 0, 0], 1e-6, 1e-7, `loss on ${backend.name}`);
    E.sum(loss).backward();
    assertClose(await value(x.grad!), [1, -1, 0, 0], 1e-7, 0, `gradient on ${backend.name}`);
  }
});

test('bce: p = 0.5 gives ln 2; p = 0 or 1 is clamped at 100 with a finite gradient, as PyTorch', async () => {
  assertClose(await value(nn.bce(t([0.5]), t([1]))), [Math.LN2], 1e-15, 0);
  const gpu = await E.webgpu();
  for (const backend of [cpu, gpu]) {
    const p = E.tensor([0, 1, 0, 0.25], [4], backend).requireGrad();
    const y = E.tensor([1, 0, 0, 1], [4], backend);
    const loss = nn.bce(p, y, { reduction: 'none' });
    // -log(0) clamped to 100; a correct p = 0 costs nothing; -ln 0.25 = 2 ln 2
    assertClose(await value(loss), [100, 100, 0, 2 * Math.LN2], 1e-5, 1e-6, `loss on ${backend.name}`);
    E.sum(loss).backward();
    // (p - t) / max(p (1 - p), 1e-12): -1e12, 1e12, 0, -0.75 / 0.1875 = -4
    assertClose(await value(p.grad!), [-1e12, 1e12, 0, -4], 0, 1e-6, `gradient on ${backend.name}`);
  }
});

test('mse and l1: hand-worked sums and means', async () => {
  const a = t([1, 2, -1, 0]);
  const b = t([3, 5, -1, 1]);
  // squared errors 4, 9, 0, 1; absolute errors 2, 3, 0, 1
  assertClose(await value(nn.mse(a, b)), [3.5]);
  assertClose(await value(nn.mse(a, b, { reduction: 'sum' })), [14]);
  assertClose(await value(nn.l1(a, b)), [1.5]);
  assertClose(await value(nn.l1(a, b, { reduction: 'none' })), [2, 3, 0, 1]);
});

test('crossEntropy: uniform logits give ln K; a worked two-sample batch', async () => {
  assertClose(await value(nn.crossEntropy(t([[0, 0, 0]]), [2])), [Math.log(3)], 1e-15, 0);
  const logits = [1, 2, 3];
  const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
  // labels 0 and 2: per-sample losses lse - 1 and lse - 3, mean lse - 2
  const x = t([logits, logits]);
  assertClose(await value(nn.crossEntropy(x, [0, 2], { reduction: 'none' })), [lse - 1, lse - 3], 1e-12, 0);
  assertClose(await value(nn.crossEntropy(x, Int32Array.from([0, 2]))), [lse - 2], 1e-12, 0);
  // large logits stay finite: the label's logit is 100 above the rest, the loss is ~ 2 e^-100
  assertClose(await value(nn.crossEntropy(t([[100, 0, 0]]), [0])), [0], 1e-12, 0);
  assert.throws(() => nn.crossEntropy(x, [0, 3]), /crossEntropy: label 3 at position 1 is not a class index in 0..2/);
  assert.throws(() => nn.crossEntropy(x, [0]), /crossEntropy: 1 labels for a batch of 2/);
});

test('klNormal: zero at the prior; mu = 1 costs 1/2; sigma^2 = 2 costs (1 - ln 2) / 2 per dimension', async () => {
  assertClose(await value(nn.klNormal(t([0, 0]), t([0, 0]))), [0]);
  const terms = nn.klNormal(t([1, 0]), t([0, Math.LN2]), { reduction: 'none' });
  assertClose(await value(terms), [0.5, 0.5 * (1 - Math.LN2)], 1e-15, 0);
  // batch of 2 samples x 3 dimensions, each mu = 1: sum 3, batchmean 1.5, mean 0.5
  const mu = E.ones([2, 3], cpu);
  const logvar = E.zeros([2, 3], cpu);
  assertClose(await value(nn.klNormal(mu, logvar)), [3]);
  assertClose(await value(nn.klNormal(mu, logvar, { reduction: 'batchmean' })), [1.5]);
  assertClose(await value(nn.klNormal(mu, logvar, { reduction: 'mean' })), [0.5]);
});

test('klCategoricalUniform: 0 for uniform q, log K for a one-hot q, one value per distribution', async () => {
  assertClose(await value(nn.klCategoricalUniform(t([[0, 0, 0, 0]]), 4)), [0], 1e-15, 0);
  assertClose(await value(nn.klCategoricalUniform(t([[1, 0, 0, 0]]), 4, { input: 'probs' })), [Math.log(4)], 1e-15, 0);
  assertClose(await value(nn.klCategoricalUniform(t([[100, 0, 0, 0]]), 4)), [Math.log(4)], 1e-12, 0);
  // two distributions of K = 2 side by side: q = (0.5, 0.5) costs 0, q = (0.25, 0.75) costs
  // 0.25 ln 0.5 + 0.75 ln 1.5
  const perDistribution = nn.klCategoricalUniform(t([[0.5, 0.5, 0.25, 0.75]]), 2, { input: 'probs', reduction: 'none' });
  assert.equal(perDistribution.shape, [1, 2]);
  assertClose(await value(perDistribution), [0, 0.25 * Math.log(0.5) + 0.75 * Math.log(1.5)], 1e-15, 0);
  assert.throws(() => nn.klCategoricalUniform(t([[1, 2, 3]]), 2), /klCategoricalUniform: the last axis of \[1, 3\] must hold whole groups of K = 2/);
});

test('mismatched shapes and unknown reductions are refused by name', () => {
  assert.throws(() => nn.mse(t([1, 2]), t([1, 2, 3])), /mse: prediction \[2\] and target \[3\] must have the same shape/);
  assert.throws(() => nn.l1(t([1]), t([1]), { reduction: 'avg' as E.nn.Reduction }), /l1: unknown reduction 'avg'/);
});

test.after(() => E.releaseDevice());
test.run();
