// CycleGAN pieces against hand-worked values: each loss (value and gradient, float64 on the CPU), the
// history buffer's choices (scripted, then the 1/2 rate of a seeded stream) and its device gathers,
// freezing (a step of one network leaves every other network's parameters bit-identical), the metrics on
// stand-in networks whose answers are known, and two end-to-end steps on WebGPU with finite losses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../engine/index.js';
import { HostRandom } from '../engine/random/philox.js';
import { assertClose } from './lib/check.js';
import { DEFAULT_CYCLEGAN_CONFIG, checkCycleGanConfig, type CycleGanConfig } from '../models/cyclegan/config.js';
import { HistoryBuffer, historyRandom, planHistoryQuery, type ChoiceSource } from '../models/cyclegan/history.js';
import { adversarialLoss, discriminatorLoss, generatorAdversarialLoss, l1Loss } from '../models/cyclegan/losses.js';
import { evaluateTranslation } from '../models/cyclegan/metrics.js';
import { CycleGan, NETWORKS } from '../models/cyclegan/model.js';
import { Discriminator, Generator } from '../models/cyclegan/networks.js';
import { STEP_LOSSES, makeOptimizers, stepBothGenerators, stepDiscriminator, stepOneGenerator, trainStep } from '../models/cyclegan/train.js';
import { DigitClassifier } from '../models/classifier.js';
import { COLOURED_PIXELS, translationDomains, type ColouredDigits } from '../models/data/coloured-mnist.js';
import { loadMnist } from '../models/data/mnist.js';

const IMAGE = [3, 28, 28];
const LN2 = Math.log(2);

test.before(async () => {
  await E.setBackend('cpu');
});
test.after(() => E.releaseDevice());

async function valueAndGrad(f: (x: E.Tensor) => E.Tensor, values: number[], shape = [values.length, 1]) {
  const x = E.fromValues(values, shape).requireGrad();
  const loss = f(x);
  loss.backward();
  return { value: await loss.item(), grad: Array.from(await x.grad!.toArray()) };
}

// ---- losses ---------------------------------------------------------------------------------------------

test('BCE adversarial loss: softplus(s) - s t, averaged; gradient (sigmoid(s) - t) / n', async () => {
  // s = [0, ln 3]: sigmoid = [1/2, 3/4]; softplus = [ln 2, ln 4]
  const real = await valueAndGrad((s) => adversarialLoss('bce', s, 1), [0, Math.log(3)]);
  assertClose([real.value], [(LN2 + Math.log(4 / 3)) / 2], 1e-12, 0);
  assertClose(real.grad, [(0.5 - 1) / 2, (0.75 - 1) / 2], 1e-12, 0);
  const fake = await valueAndGrad((s) => adversarialLoss('bce', s, 0), [0, Math.log(3)]);
  assertClose([fake.value], [(LN2 + 2 * LN2) / 2], 1e-12, 0);
  assertClose(fake.grad, [0.5 / 2, 0.75 / 2], 1e-12, 0);
});

test('least-squares adversarial loss: mean (s - t)^2, gradient 2 (s - t) / n', async () => {
  const real = await valueAndGrad((s) => adversarialLoss('lsgan', s, 1), [0.5, -1]);
  assertClose([real.value], [(0.25 + 4) / 2], 1e-12, 0);
  assertClose(real.grad, [-0.5, -2], 1e-12, 0);
  const fake = await valueAndGrad((s) => adversarialLoss('lsgan', s, 0), [0.5, -1]);
  assertClose([fake.value], [(0.25 + 1) / 2], 1e-12, 0);
  assertClose(fake.grad, [0.5, -1], 1e-12, 0);
});

test('discriminator loss is half the real and fake terms; the generator calls its fakes real', async () => {
  const real = E.fromValues([Math.log(3)], [1, 1]);
  const fake = E.fromValues([0], [1, 1]);
  assertClose([await discriminatorLoss('bce', real, fake).item()], [0.5 * (Math.log(4 / 3) + LN2)], 1e-12, 0);
  const realLs = E.fromValues([0.5, -1], [2, 1]);
  const fakeLs = E.fromValues([0.5, 2], [2, 1]);
  assertClose([await discriminatorLoss('lsgan', realLs, fakeLs).item()], [0.5 * ((0.25 + 4) / 2 + (0.25 + 4) / 2)], 1e-12, 0);
  assertClose([await generatorAdversarialLoss('lsgan', fakeLs).item()], [(0.25 + 1) / 2], 1e-12, 0);
  assertClose([await generatorAdversarialLoss('bce', fake).item()], [LN2], 1e-12, 0);
  assert.throws(() => adversarialLoss('hinge' as 'bce', fake, 1), /unknown kind 'hinge'/);
});

test('cycle and identity loss: mean absolute error, gradient sign / n', async () => {
  const target = E.fromValues([0.5, 0.5, 0.5, 0.5], [1, 4]);
  const { value, grad } = await valueAndGrad((x) => l1Loss(x, target), [0.2, 0.9, 0.5, 0.6], [1, 4]);
  assertClose([value], [(0.3 + 0.4 + 0 + 0.1) / 4], 1e-12, 0);
  assertClose(grad, [-0.25, 0.25, 0, 0.25], 1e-12, 0);
});

// ---- the history buffer ------------------------------------------------------------------------------------

/** Replays fixed uniforms and slot choices. */
function scripted(uniforms: number[], slots: number[]): ChoiceSource {
  const next = (list: number[], what: string): number => {
    const value = list.shift();
    if (value === undefined) throw new Error(`scripted choices: no ${what} left`);
    return value;
  };
  return {
    uniform: () => next(uniforms, 'uniform'),
    int: (n: number) => {
      const slot = next(slots, 'slot');
      assert.ok(slot < n);
      return slot;
    },
  };
}

test('history plan: fill first, then swap with probability 1/2, later images seeing earlier swaps', () => {
  // capacity 2, empty: images 0 and 1 (rows 2, 3) are stored and shown; image 2 (row 4) draws 0.9 > 1/2 and
  // slot 1, which image 1 has just filled: it is shown row 3 and takes slot 1.
  const plan = planHistoryQuery(2, 0, 3, scripted([0.9], [1]));
  assert.equal(plan, { returned: [2, 3, 3], stored: [2, 4], filled: 2 });
  // full: 0.2 keeps the new image (row 2); 0.7 swaps with slot 0
  const next = planHistoryQuery(2, 2, 2, scripted([0.2, 0.7], [0]));
  assert.equal(next, { returned: [2, 0], stored: [3, 1], filled: 2 });
});

test('history plan: once full, half the new images are swapped for a stored one', () => {
  const random = new HostRandom(7);
  let fromBuffer = 0;
  const [capacity, batch, batchesSeen] = [50, 64, 40];
  for (let i = 0; i < batchesSeen; i++) {
    const plan = planHistoryQuery(capacity, capacity, batch, random);
    fromBuffer += plan.returned.filter((row, i) => row !== capacity + i).length; // shown a stored image, not its own
  }
  const rate = fromBuffer / (batch * batchesSeen); // binomial, standard deviation 0.0099
  assert.ok(Math.abs(rate - 0.5) < 0.04, `rate ${rate}`);
});

/** n images, image i filled with the value values[i]. */
function constantImages(values: number[]): E.Tensor {
  const size = COLOURED_PIXELS;
  return E.fromValues(values.flatMap((v) => new Array<number>(size).fill(v)), [values.length, ...IMAGE]);
}

async function firstPixels(t: E.Tensor): Promise<number[]> {
  const data = await t.toArray();
  return Array.from({ length: t.shape[0] }, (_, i) => data[i * COLOURED_PIXELS]);
}

test('history buffer on the device: shows and keeps the planned images, remembers its fill', async () => {
  for (const backend of ['cpu', 'webgpu'] as const) {
    await E.setBackend(backend);
    const buffer = new HistoryBuffer(2);
    assert.equal(await firstPixels(buffer.query(constantImages([10, 11, 12]), scripted([0.9], [1]))), [10, 11, 11]);
    assert.equal(await firstPixels(buffer.images!), [10, 12]);
    assert.equal(await firstPixels(buffer.query(constantImages([20, 21]), scripted([0.2, 0.7], [0]))), [20, 10]);
    assert.equal(await firstPixels(buffer.images!), [21, 12]);
    const saved = await Promise.all([...buffer.stateDict()].map(async ([name, t]) => [name, { shape: [...t.shape], data: await t.toArray() }] as [string, { shape: number[]; data: ArrayLike<number> }]));
    const restored = new HistoryBuffer(2);
    restored.loadStateDict(new Map(saved));
    await restored.syncFromState();
    assert.is(restored.filled, 2);
    const passThrough = new HistoryBuffer(0);
    const fakes = constantImages([1, 2]);
    assert.is(passThrough.query(fakes, scripted([], [])), fakes);
  }
  await E.setBackend('cpu');
});

// ---- the config -------------------------------------------------------------------------------------------------

test('config: the default passes; a bad config names every problem at once', () => {
  checkCycleGanConfig(DEFAULT_CYCLEGAN_CONFIG);
  const bad = { ...DEFAULT_CYCLEGAN_CONFIG, generatorWidth: 0, discriminatorWidths: [8, 1.5], cycleWeight: -1, labelledGenerators: true };
  assert.throws(
    () => checkCycleGanConfig(bad),
    (e: Error) =>
      e.message ===
      'CycleGan: generatorWidth = 0 must be a positive integer; discriminatorWidths[1] = 1.5 must be a positive integer; cycleWeight = -1 must be >= 0; labelledGenerators needs labelled (the generators read the same labeller)',
  );
});

// ---- freezing -------------------------------------------------------------------------------------------------

const TINY: CycleGanConfig = {
  generatorWidth: 2,
  generatorKernel: 3,
  generatorSlope: 0.2,
  centreInput: true,
  discriminatorWidths: [2],
  discriminatorHidden: 3,
  adversarial: 'lsgan',
  cycleWeight: 10,
  identityWeight: 5,
  history: 2,
  labelled: false,
  labelledGenerators: false,
  order: 'joint',
  lr: 0.01,
  beta1: 0.5,
  beta2: 0.999,
};

async function snapshot(gan: CycleGan): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [name, network] of Object.entries(gan.networks())) {
    out[name] = (await Promise.all(network.parameters().map(async (p) => Array.from(await p.toArray())))).flat();
  }
  return out;
}

/** Which networks' parameters differ between two snapshots; also checks no gradient is left behind. */
function changed(gan: CycleGan, before: Record<string, number[]>, after: Record<string, number[]>): string[] {
  for (const p of gan.parameters()) assert.is(p.grad, null, 'a gradient was left on a parameter');
  for (const p of gan.parameters()) assert.ok(p.requiresGrad, 'a parameter was left frozen');
  return NETWORKS.filter((name) => before[name].some((v, i) => v !== after[name][i]));
}

for (const [labelled, labelledGenerators] of [[false, false], [true, false], [true, true]]) {
  const conditioned = labelledGenerators ? ' (all four networks conditioned on a frozen labeller)' : labelled ? ' (discriminators conditioned on a frozen labeller)' : '';
  test(`each step changes only the networks it trains${conditioned}`, async () => {
    E.manualSeed(3);
    const gan = new CycleGan({ ...TINY, labelled, labelledGenerators });
    const labeller = new DigitClassifier({ conv1: 2, conv2: 2, hidden: 4 });
    for (const p of labeller.parameters()) p.requiresGrad = false;
    if (labelled) gan.attachLabeller(labeller);
    const labellerBefore = (await Promise.all(labeller.parameters().map((p) => p.toArray()))).map((v) => Array.from(v));
    const optimizers = makeOptimizers(gan);
    const a = E.rand([2, ...IMAGE]);
    const b = E.rand([2, ...IMAGE]);
    const random = new HostRandom(1);
    let before = await snapshot(gan);
    const steps: [string, () => unknown, string[]][] = [
      ['D_A step', () => stepDiscriminator(gan, optimizers, 'D_A', a, E.noGrad(() => gan.translate('BA', b)), random), ['D_A']],
      ['D_B step', () => stepDiscriminator(gan, optimizers, 'D_B', b, E.noGrad(() => gan.translate('AB', a)), random), ['D_B']],
      ['G_BA step', () => stepOneGenerator(gan, optimizers, a, b, 'BA'), ['G_BA']],
      ['G_AB step', () => stepOneGenerator(gan, optimizers, a, b, 'AB'), ['G_AB']],
      ['joint generator step', () => stepBothGenerators(gan, optimizers, a, b), ['G_AB', 'G_BA']],
    ];
    for (const [what, step, trains] of steps) {
      E.tidy(() => void step());
      const after = await snapshot(gan);
      assert.equal(changed(gan, before, after), trains, what);
      before = after;
    }
    const labellerAfter = (await Promise.all(labeller.parameters().map((p) => p.toArray()))).map((v) => Array.from(v));
    assert.equal(labellerAfter, labellerBefore, 'the labeller is never trained');
    for (const p of labeller.parameters()) assert.is(p.grad, null, 'no gradient reaches the labeller');
  });
}

test('conditioned discriminator: score = w.h + b + p^T V h, linear in p; labelled models need their labeller', async () => {
  E.manualSeed(4);
  const d = new Discriminator([2], 3, 10);
  const x = E.rand([2, ...IMAGE]);
  const layers = d.net.layers;
  const h = await layers.slice(0, -1).reduce((y, layer) => layer.forward(y) as E.Tensor, x).toArray(); // (2, 3)
  const base = await (layers[layers.length - 1].forward(E.fromValues(h, [2, 3])) as E.Tensor).toArray(); // (2, 1)
  const V = await d.projection!.weight.toArray(); // stored as (hidden 3, classes 10): V[k][j] = weight[j * 10 + k]
  const oneHot = (k: number) => E.fromValues(Array.from({ length: 20 }, (_, i) => (i % 10 === k ? 1 : 0)), [2, 10]);
  for (const k of [0, 7]) {
    const score = await d.forward(x, oneHot(k)).toArray();
    const expected = [0, 1].map((row) => base[row] + [0, 1, 2].reduce((sum, j) => sum + V[j * 10 + k] * h[row * 3 + j], 0));
    assertClose(score, expected, 1e-12, 1e-12, `class ${k}`);
  }
  const mixed = E.fromValues(Array.from({ length: 20 }, (_, i) => (i % 10 === 0 ? 0.25 : i % 10 === 7 ? 0.75 : 0)), [2, 10]);
  const [s0, s7, sMixed] = await Promise.all([d.forward(x, oneHot(0)).toArray(), d.forward(x, oneHot(7)).toArray(), d.forward(x, mixed).toArray()]);
  assertClose(sMixed, [0, 1].map((r) => 0.25 * s0[r] + 0.75 * s7[r]), 1e-12, 1e-12, 'linear in p');
  assert.throws(() => d.forward(x), /needs class probabilities \(2, 10\), got none/);
  assert.throws(() => new Discriminator([2], 3).forward(x, oneHot(0)), /built without classes/);
  const gan = new CycleGan({ ...TINY, labelled: true });
  assert.throws(() => gan.discriminate('A', x), /needs attachLabeller/);
  assert.throws(() => new CycleGan(TINY).attachLabeller(new DigitClassifier()), /labelled = false/);
});

test('conditioned 1x1 generator: out = sigmoid(W3 act(W2 act(W1 u + b1 + U p) + b2) + b3) at each pixel, by hand', async () => {
  E.manualSeed(9);
  const width = 2;
  const slope = 0.2;
  const g = new Generator(width, slope, true, 1, 10);
  const x = E.rand([2, ...IMAGE]);
  const p = E.softmax(E.randn([2, 10]), -1);
  const out = await g.forward(x, p).toArray();
  const [xs, ps] = [await x.toArray(), Array.from(await p.toArray())];
  const layers = g.net.layers as unknown as { weight: E.Tensor; bias: E.Tensor }[];
  const [W1, b1, W2, b2, W3, b3] = await Promise.all([0, 2, 4].flatMap((i) => [layers[i].weight.toArray(), layers[i].bias.toArray()]));
  const U = await g.digit!.weight.toArray(); // (width, 10)
  const act = (v: number) => (v > 0 ? v : slope * v);
  for (const [n, pixel] of [[0, 0], [0, 300], [1, 517]]) {
    const u = [0, 1, 2].map((c) => 2 * xs[n * 2352 + c * 784 + pixel] - 1); // centred input
    const h1 = Array.from({ length: width }, (_, j) => act(b1[j] + [0, 1, 2].reduce((s, c) => s + W1[j * 3 + c] * u[c], 0) + ps.slice(n * 10, n * 10 + 10).reduce((s, v, k) => s + U[j * 10 + k] * v, 0)));
    const h2 = Array.from({ length: width }, (_, j) => act(b2[j] + h1.reduce((s, v, i) => s + W2[j * width + i] * v, 0)));
    const expected = [0, 1, 2].map((c) => 1 / (1 + Math.exp(-(b3[c] + h2.reduce((s, v, i) => s + W3[c * width + i] * v, 0)))));
    assertClose([0, 1, 2].map((c) => out[n * 2352 + c * 784 + pixel]), expected, 1e-6, 1e-6, `image ${n}, pixel ${pixel}`);
  }
  assert.throws(() => g.forward(x), /needs class probabilities \(2, 10\), got none/);
  assert.throws(() => new Generator(width, slope, true, 1).forward(x, p), /built without classes/);
  assert.throws(() => new CycleGan({ ...TINY, labelledGenerators: true }), /labelledGenerators needs labelled/);
  assert.throws(() => new CycleGan({ ...TINY, labelled: true, labelledGenerators: true }).translate('AB', x), /needs attachLabeller/);
});

test('a 1x1 generator recolours each pixel on its own: changing one pixel changes only that pixel', async () => {
  E.manualSeed(8);
  const generator = new Generator(4, 0.2, true, 1);
  const x = E.rand([1, ...IMAGE]);
  const values = Array.from(await x.toArray());
  const pixel = 5 * 28 + 9; // row 5, column 9
  for (let c = 0; c < 3; c++) values[c * 784 + pixel] = 1 - values[c * 784 + pixel];
  const [before, after] = await Promise.all([generator.forward(x).toArray(), generator.forward(E.fromValues(values, [1, ...IMAGE])).toArray()]);
  const changedAt = [...before.keys()].filter((i) => before[i] !== after[i]).map((i) => i % 784);
  assert.ok(changedAt.length > 0, 'the changed pixel changes');
  assert.equal([...new Set(changedAt)], [pixel]);
  // the 3x3 generator of the same width spreads the change to the neighbours
  const spread = new Generator(4, 0.2, true, 3);
  const [b3, a3] = await Promise.all([spread.forward(x).toArray(), spread.forward(E.fromValues(values, [1, ...IMAGE])).toArray()]);
  assert.ok(new Set([...b3.keys()].filter((i) => b3[i] !== a3[i]).map((i) => i % 784)).size > 1);
  assert.throws(() => new Generator(4, 0, false, 2), /kernel 2 must be a positive odd integer/);
});

// ---- metrics ---------------------------------------------------------------------------------------------------

/** Stand-ins with known answers: the identity "generator" and a "classifier" that always says 0. */
const identityGenerator = (x: E.Tensor) => E.mul(x, 1);
const saysZero = {
  training: true,
  eval() {},
  train() {},
  forward: (x: E.Tensor) => E.concat([E.ones([x.shape[0], 1]), E.zeros([x.shape[0], 9])], 1),
} as unknown as DigitClassifier;

test('metrics: the identity translation keeps every colour, its round trip is exact', async () => {
  const { a } = translationDomains(loadMnist({ data: 'embedded' }).test, { seed: 1 });
  const few: ColouredDigits = { ...a, x: a.x.subarray(0, 300 * COLOURED_PIXELS), count: 300 };
  const zeros = Array.from(few.digit.subarray(0, 300)).filter((d) => d === 0).length;
  const sameColour = await evaluateTranslation(identityGenerator, identityGenerator, saysZero, few, (d) => d);
  assert.equal(sameColour.metrics, { digitKept: zeros / 300, colourHit: 1, cycleError: 0 });
  const shifted = await evaluateTranslation(identityGenerator, identityGenerator, saysZero, few, (d) => (d + 1) % 10);
  assert.is(shifted.metrics.colourHit, 0);
});

// ---- end to end -------------------------------------------------------------------------------------------------

test('two training steps on WebGPU in each order give finite losses for all four networks', async () => {
  await E.setBackend('webgpu');
  const { a, b } = translationDomains(loadMnist({ data: 'embedded' }).train, { seed: 1 });
  const batch = (data: ColouredDigits, start: number) => E.fromValues(data.x.subarray(start * COLOURED_PIXELS, (start + 4) * COLOURED_PIXELS), [4, ...IMAGE]);
  for (const [order, adversarial] of [['joint', 'lsgan'], ['assignment', 'bce']] as const) {
    E.manualSeed(5);
    const gan = new CycleGan({ ...TINY, order, adversarial });
    const optimizers = makeOptimizers(gan);
    for (let step = 0; step < 2; step++) {
      const losses = await trainStep(gan, optimizers, batch(a, 4 * step), batch(b, 4 * step), historyRandom(1, step)).toArray();
      STEP_LOSSES.forEach((name, i) => assert.ok(Number.isFinite(losses[i]), `${order} step ${step}: ${name} = ${losses[i]}`));
      for (const i of [0, 1, 2, 3]) assert.ok(losses[i] > 0, `${order}: ${STEP_LOSSES[i]} = ${losses[i]}`);
    }
    gan.dispose();
    Object.values(optimizers).forEach((o) => o.dispose());
  }
  await E.setBackend('cpu');
});

test.run();
