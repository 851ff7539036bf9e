// Tests for the VAEs: loss terms against values worked by hand, Gumbel-softmax against its formula on
// the same noise (and the straight-through gradient against the relaxed one), the schedules, the colour
// control helpers and majority accuracies on hand-made inputs, the batch-summed objective against Adam
// with a scaled eps, and a tiny training run per model on a small batch of real images, asserting that
// the negative ELBO falls.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../engine/index.js';
import { loadMnist } from '../models/data/mnist.js';
import { COLOURED_PIXELS, vaeDataset } from '../models/data/coloured-mnist.js';
import { Vae, lossTerms, usageKl, type VaeConfig } from '../models/vae/model.js';
import { capacityAt, gumbelSoftmax, gumbelTemperature } from '../models/vae/latents.js';
import { stepSettings, trainStep } from '../models/vae/train.js';
import { TintedDecoder } from '../models/vae/networks.js';
import { argmaxPerVariable, combinationsUsed, majorityAccuracy } from '../models/vae/evaluate.js';
import { cholesky, colourCodes, fitGaussian } from '../models/vae/control.js';
import { categoryCombinations } from '../experiments/vae/figures.js';
import { assertClose } from './lib/check.js';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const cpu = E.cpuBackend();
const t = (values: number[][], backend = cpu) => E.tensor(values, undefined, backend);
const scalar = async (x: E.Tensor) => (await x.toArray())[0];
const { log } = Math;

// ---- loss terms ----------------------------------------------------------------------------------

// Two "images" of 3 values each. bceWithLogits per element is softplus(l) - l t:
//   l = 0: ln 2 whatever t;  l = ln 3, t = 1: ln 4 - ln 3;  l = -ln 3, t = 0: ln(4/3)
// so each row sums to ln 2 + 2 ln(4/3), and the batch mean is the same.
const logits = () => t([[0, log(3), -log(3)], [log(3), -log(3), 0]]);
const target = () => t([[0.5, 1, 0], [1, 0, 0.5]]);
const RECONSTRUCTION = log(2) + 2 * log(4 / 3);
// KL(N(mu, e^logvar) || N(0, 1)) per dimension = -1/2 (1 + logvar - mu^2 - e^logvar):
//   (mu 1, logvar 0) -> 1/2;  (0, ln 2) -> (1 - ln 2) / 2;  (0, 0) -> 0;  batch mean of the row sums:
const KL_CONTINUOUS = (0.5 + (1 - log(2)) / 2) / 2;
// KL(q || uniform of 2) for q = (1/4, 3/4) (logits 0, ln 3): 1/4 ln(1/2) + 3/4 ln(3/2); each row has one
// such variable and one uniform one (KL 0), so the batch mean is that one value.
const KL_DISCRETE = 0.25 * log(0.5) + 0.75 * log(1.5);

function encoding() {
  return {
    mu: t([[1, 0], [0, 0]]),
    logvar: t([[0, log(2)], [0, 0]]),
    logits: t([[0, log(3), 0, 0], [0, 0, log(3), 0]]),
  };
}

test('loss terms: reconstruction, both KLs and the negative ELBO match hand-worked values', async () => {
  const terms = lossTerms(logits(), target(), encoding(), 2);
  assertClose([await scalar(terms.reconstruction)], [RECONSTRUCTION], 1e-12, 1e-12, 'reconstruction');
  assertClose([await scalar(terms.klContinuous)], [KL_CONTINUOUS], 1e-12, 1e-12, 'klContinuous');
  assertClose([await scalar(terms.klDiscrete)], [KL_DISCRETE], 1e-12, 1e-12, 'klDiscrete');
  const elbo = RECONSTRUCTION + KL_CONTINUOUS + KL_DISCRETE;
  assertClose([await scalar(terms.negativeElbo), await scalar(terms.objective)], [elbo, elbo], 1e-12, 1e-12, 'negative ELBO');
});

test('loss terms: the capacity objective is BCE + gamma |KL - C| per latent kind', async () => {
  const capacity = { gamma: 10, continuous: 1, discrete: 0.1 };
  const terms = lossTerms(logits(), target(), encoding(), 2, { capacity });
  const expected = RECONSTRUCTION + 10 * Math.abs(KL_CONTINUOUS - 1) + 10 * Math.abs(KL_DISCRETE - 0.1);
  assertClose([await scalar(terms.objective)], [expected], 1e-12, 1e-12, 'objective');
  assertClose([await scalar(terms.negativeElbo)], [RECONSTRUCTION + KL_CONTINUOUS + KL_DISCRETE], 1e-12, 1e-12, 'negative ELBO');
});

test('usage term: KL of the batch-mean posterior to uniform, added to the objective only', async () => {
  // B = 2, N = 1, K = 2: logits [0, ln 3] and [0, 0] give q = [1/4, 3/4] and [1/2, 1/2], mean [3/8, 5/8],
  // KL = 3/8 ln(3/8 * 2) + 5/8 ln(5/8 * 2)
  const usageLogits = E.fromValues([0, Math.log(3), 0, 0], [2, 2]);
  const expected = (3 / 8) * Math.log(3 / 4) + (5 / 8) * Math.log(5 / 4);
  assertClose([await scalar(usageKl(usageLogits, 2))], [expected], 1e-12, 1e-12, 'usage KL');
  // every image on the same category: N ln K, whatever the per-image KL
  assertClose([await scalar(usageKl(E.fromValues([50, 0, 0, 50, 0, 0], [2, 3]), 3))], [Math.log(3)], 1e-12, 1e-9, 'collapsed');
  const enc = encoding();
  const plain = lossTerms(logits(), target(), enc, 2);
  const used = lossTerms(logits(), target(), enc, 2, { usage: 3 });
  const usage = await scalar(usageKl(enc.logits!, 2));
  assertClose([await scalar(used.objective)], [(await scalar(plain.objective)) + 3 * usage], 1e-12, 1e-12, 'objective + beta usage');
  assertClose([await scalar(used.negativeElbo)], [await scalar(plain.negativeElbo)], 1e-12, 1e-12, 'the ELBO is unchanged');
});

test('loss terms: a model without a latent kind gets a zero KL for it', async () => {
  const { mu, logvar } = encoding();
  const terms = lossTerms(logits(), target(), { mu, logvar }, 2);
  assert.is(await scalar(terms.klDiscrete), 0);
});

test('tinted decoder: sigmoid(logits) = sigmoid(a) sigmoid(b) per channel, finite at the extremes, gradients by finite differences', async () => {
  E.manualSeed(21);
  const decoder = new TintedDecoder('mlp', 4);
  const code = E.randn([2, 4], { backend: cpu });
  const logitsOut = decoder.forward(code);
  assert.equal(logitsOut.shape, [2, 3, 28, 28]);
  const a = await (decoder.brightness.forward(code) as E.Tensor).toArray(); // (2, 1, 28, 28)
  const b = await decoder.colour.forward(code).toArray(); // (2, 3)
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  const got = await E.sigmoid(logitsOut).toArray();
  const expected = Array.from(got, (_, i) => {
    const [n, c, pixel] = [Math.floor(i / 2352), Math.floor(i / 784) % 3, i % 784];
    return sig(a[n * 784 + pixel]) * sig(b[n * 3 + c]);
  });
  assertClose(got, expected, 1e-12, 1e-12, 'p = s(a) s(b)');
  // extremes: p rounds to 1 or 0 without an infinite logit (log(1 - p) is computed without 1 - p)
  for (const bias of [40, -40]) {
    const saturated = new TintedDecoder('mlp', 1);
    for (const p of saturated.parameters()) E.nn.assign(p, E.full(p.shape, 0, cpu));
    const last = saturated.brightness.parameters().at(-1)!; // the brightness bias
    E.nn.assign(last, E.full(last.shape, bias, cpu));
    E.nn.assign(saturated.colour.bias!, E.full([3], bias, cpu));
    const values = await saturated.forward(E.zeros([1, 1], cpu)).toArray();
    assert.ok(values.every(Number.isFinite), `bias ${bias}: logits finite`);
    // a = b = bias: p = s(bias)^2, so logit p = bias - ln 2 + O(e^-bias) at +40 and 2 bias + O(e^-40) at -40
    assertClose([values[0]], [bias > 0 ? bias - Math.log(2) : 2 * bias], 1e-6, 1e-6, `bias ${bias}`);
  }
  const small = new TintedDecoder('mlp', 2);
  const target = E.rand([1, 3, 28, 28], { backend: cpu });
  const failures = E.gradcheck((z) => E.nn.bceWithLogits(small.forward(z), target), [E.randn([1, 2], { backend: cpu })]);
  assert.equal(failures, [], 'gradient of the BCE through the tinted decoder');
});

test('tinted decoder colour scale: same initial colours as an unscaled head, logits s times the head, gradients by finite differences', async () => {
  const code = E.fromValues([0.3, -1.2, 0.8], [1, 3], cpu);
  E.manualSeed(23);
  const plain = new TintedDecoder('mlp', 3);
  E.manualSeed(23);
  const scaled = new TintedDecoder('mlp', 3, undefined, 10);
  // the scaled head starts at the unscaled head's parameters divided by 10, so b is the same at the start
  const [w1, w10] = [await plain.colour.weight.toArray(), await scaled.colour.weight.toArray()];
  assertClose(w10, Array.from(w1, (v) => v / 10), 1e-7, 1e-7, 'weights divided by s');
  assertClose(await scaled.forward(code).toArray(), await plain.forward(code).toArray(), 1e-6, 1e-6, 'same initial logits');
  // b = s (W c + w0), checked by hand from the head's own parameters
  const [W, w0, c] = [await scaled.colour.weight.toArray(), await scaled.colour.bias!.toArray(), [0.3, -1.2, 0.8]];
  const byHand = [0, 1, 2].map((ch) => 10 * (w0[ch] + c.reduce((sum, v, j) => sum + W[ch * 3 + j] * v, 0)));
  assertClose(await scaled.colourLogits(code).toArray(), byHand, 1e-6, 1e-6, 'b = s (W c + w0)');
  const target = E.rand([1, 3, 28, 28], { backend: cpu });
  const failures = E.gradcheck((z) => E.nn.bceWithLogits(scaled.forward(z), target), [E.randn([1, 3], { backend: cpu })]);
  assert.equal(failures, [], 'gradient of the BCE through the scaled colour head');
  assert.throws(() => new TintedDecoder('mlp', 3, undefined, 0), /colour scale must be a positive number, got 0/);
  assert.throws(() => new Vae({ kind: 'joint', variant: 'mlp', latent: 2, variables: 1, categories: 3, hard: false, colourScale: 10 }), /needs a tinted decoder/);
  const joint = new Vae({ kind: 'joint', variant: 'mlp', latent: 2, variables: 1, categories: 3, hard: false, decoder: 'tinted-split', colourScale: 10 });
  assert.is((joint.decoder as TintedDecoder).colourScale, 10);
});

test('tinted-split decoder: the colour factor reads only its slice of the code', async () => {
  E.manualSeed(22);
  const decoder = new TintedDecoder('mlp', 6, { start: 2, length: 3 });
  assert.equal(decoder.colour.weight.shape, [3, 3]);
  const codes = [[0.5, -1, 1, 0, 0, 2], [-2, 3, 1, 0, 0, -1]]; // the same entries 2..4, the rest differ
  const colourFactor = async (values: number[]) => {
    const code = E.fromValues(values, [1, 6], cpu);
    const p = await E.sigmoid(decoder.forward(code)).toArray();
    const a = await E.sigmoid(decoder.brightness.forward(code) as E.Tensor).toArray();
    return [0, 1, 2].map((c) => p[c * 784 + 100] / a[100]); // sigmoid(b_c), read at pixel 100
  };
  const [first, second] = [await colourFactor(codes[0]), await colourFactor(codes[1])];
  assertClose(second, first, 1e-12, 1e-12, 'same colour slice, same colour');
  const third = await colourFactor([0.5, -1, 0, 1, 0, 2]);
  assert.ok(third.some((v, c) => Math.abs(v - first[c]) > 1e-6), 'another colour slice, another colour');
  assert.throws(() => new TintedDecoder('mlp', 6, { start: 4, length: 3 }), /colour input \[4, 7\) is not inside/);
  const joint = new Vae({ kind: 'joint', variant: 'mlp', latent: 2, variables: 2, categories: 3, hard: false, decoder: 'tinted-split' });
  assert.equal((joint.decoder as TintedDecoder).colourInput, { start: 2, length: 3 });
  assert.throws(() => new Vae({ kind: 'continuous', variant: 'mlp', latent: 2, variables: 1, categories: 2, hard: false, decoder: 'tinted-split' }), /continuous model has none/);
});

// ---- Gumbel-softmax and schedules ----------------------------------------------------------------

test('gumbelSoftmax is softmax((logits + g) / tau) per variable on the same Gumbel noise', async () => {
  const values = [[0.3, -1, 2, 0.5, 0.5, -0.2], [1, 1, 1, -3, 0, 3]];
  const tau = 0.7;
  E.manualSeed(11);
  const g = await E.randGumbel([2, 6], { backend: cpu }).toArray();
  E.manualSeed(11);
  const y = await gumbelSoftmax(t(values), 3, tau).toArray();
  const expected: number[] = [];
  for (let b = 0; b < 2; b++) {
    for (let v = 0; v < 2; v++) {
      const scores = [0, 1, 2].map((k) => (values[b][v * 3 + k] + g[b * 6 + v * 3 + k]) / tau);
      const total = scores.reduce((s, a) => s + Math.exp(a), 0);
      expected.push(...scores.map((a) => Math.exp(a) / total));
    }
  }
  assertClose(y, expected, 1e-12, 1e-10, 'relaxed sample');
});

test('hard gumbelSoftmax: one-hot forward, the relaxed sample\'s gradient backward', async () => {
  const values = [[0.3, -1, 2, 0.5], [1, 1, -3, 0]];
  const weights = t([[1, 2, 3, 4], [-1, 0.5, 2, 1]]);
  const gradientOf = async (hard: boolean) => {
    const x = t(values).requireGrad();
    E.manualSeed(3);
    const y = gumbelSoftmax(x, 2, 0.5, { hard });
    E.sum(E.mul(y, weights)).backward();
    return { y: Array.from(await y.toArray()), grad: Array.from(await x.grad!.toArray()) };
  };
  const soft = await gradientOf(false);
  const hard = await gradientOf(true);
  const oneHot = soft.y.map((_, i) => {
    const pair = i - (i % 2);
    return soft.y[i] >= soft.y[pair + 1 - (i % 2)] ? 1 : 0;
  });
  assert.equal(hard.y, oneHot);
  assertClose(hard.grad, soft.grad, 1e-12, 1e-10, 'straight-through gradient');
});

test('temperature falls as exp(-r step) with r = ln 2 / (0.75 T), floored at 0.5; capacity rises linearly', () => {
  const T = 1000;
  assert.is(gumbelTemperature(0, T), 1);
  assertClose([gumbelTemperature(375, T)], [Math.SQRT1_2], 1e-12, 1e-12, 'tau at 3/8 of training');
  assertClose([gumbelTemperature(750, T)], [0.5], 1e-12, 1e-12, 'tau at 3/4');
  assert.is(gumbelTemperature(1000, T), 0.5);
  assert.is(capacityAt(5, 250, T), 1.25);
  assert.is(capacityAt(5, 2000, T), 5);
  const settings = stepSettings(500, T, { gamma: 30, continuous: 4, discrete: 2 });
  assert.equal(settings.capacity, { gamma: 30, continuous: 2, discrete: 1 });
  // a ramp over [0.5, 1] of training: 0 until step 500, then linear, e.g. 5 * (0.75 - 0.5) / 0.5 = 2.5 at 750
  assert.is(capacityAt(5, 400, T, [0.5, 1]), 0);
  assert.is(capacityAt(5, 750, T, [0.5, 1]), 2.5);
  assert.is(capacityAt(5, 1000, T, [0.5, 1]), 5);
  // a ramp over [0, 0.25]: full from a quarter of training on
  const ramped = stepSettings(100, T, { gamma: 30, continuous: 4, discrete: 2, continuousRamp: [0.5, 1], discreteRamp: [0, 0.25] });
  assert.equal(ramped.capacity, { gamma: 30, continuous: 0, discrete: 0.8 });
  assert.throws(() => capacityAt(5, 100, T, [0.5, 0.5]), /ramp \[0.5, 0.5\]/);
});

// ---- colour control and variable accuracies ------------------------------------------------------

test('cholesky and fitGaussian against hand-worked values', () => {
  // [[4, 2], [2, 3]] = C C^T with C = [[2, 0], [1, sqrt 2]]
  const C = cholesky([[4, 2], [2, 3]]);
  assertClose(C.flat(), [2, 0, 1, Math.SQRT2], 1e-12, 1e-12, 'cholesky');
  assert.throws(() => cholesky([[1, 2], [2, 1]]), /not positive definite/);
  // points (0, 0), (2, 0), (0, 2), (2, 2): mean (1, 1), covariance 4/3 I (divided by n - 1)
  const { mean, cholesky: factor } = fitGaussian([[0, 0], [2, 0], [0, 2], [2, 2]]);
  assertClose(mean, [1, 1], 1e-12, 0, 'mean');
  const sd = Math.sqrt(4 / 3 + 1e-6);
  assertClose(factor.flat(), [sd, 0, 0, sd], 1e-9, 0, 'covariance factor');
});

test('colourCodes: a collapsed cluster gives its mean, a one-category frequency gives that category', async () => {
  await E.setBackend('webgpu');
  E.manualSeed(0);
  const model = new Vae({ kind: 'joint', variant: 'mlp', latent: 2, variables: 2, categories: 3, hard: false });
  const clusters = Array.from({ length: 10 }, (_, c) => ({ mean: [c, -c], cholesky: [[0, 0], [0, 0]] }));
  const categoryFrequencies = Array.from({ length: 10 }, () => [[0, 1, 0], [0, 0, 1]]);
  const codes = await colourCodes(model, { clusters, categoryFrequencies }, 4, 3);
  const one = [4, -4, 0, 1, 0, 0, 0, 1]; // mean of colour 4, then one-hots of categories 1 and 2
  assert.equal(Array.from(codes), [...one, ...one, ...one]);
  // whole combinations: each code is one of the colour's combinations, both variables from the same one
  // (independent per-variable draws from these two would also give [0, 2] and [1, 1])
  const combinations = Array.from({ length: 10 }, () => [[0, 1], [1, 2]]);
  const drawn = await colourCodes(model, { clusters, categoryFrequencies, combinations }, 4, 200);
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const discrete = Array.from(drawn.subarray(i * 8 + 2, i * 8 + 8));
    seen.add(JSON.stringify([discrete.slice(0, 3).indexOf(1), discrete.slice(3).indexOf(1)]));
  }
  assert.equal([...seen].sort(), ['[0,1]', '[1,2]']);
  model.dispose();
});

test('majorityAccuracy maps each category to its most common label', () => {
  // one variable; category 0 holds labels 3, 3, 5; category 1 holds labels 5, 5; category 2 none
  const categories = Int32Array.from([0, 0, 0, 1, 1]);
  const result = majorityAccuracy(categories, 1, 3, [3, 3, 5, 5, 5], 10);
  assert.equal(result.majority, [[3, 5, -1]]);
  assert.is(result.best, 4 / 5);
  // two variables over three images: the first puts all in category 0 (majority 7: 2 of 3 right), the
  // second puts the two 7s in category 1 and the 2 in category 0 (all right)
  const two = majorityAccuracy(Int32Array.from([0, 1, 0, 1, 0, 0]), 2, 2, [7, 7, 2], 10);
  assert.equal(two.perVariable, [2 / 3, 1]);
  assert.is(two.bestVariable, 1);
  assert.is(combinationsUsed(Int32Array.from([0, 1, 0, 1, 1, 1]), 2), 2);
});

test('argmaxPerVariable and categoryCombinations', () => {
  assert.equal(Array.from(argmaxPerVariable([0, 3, 1, 5, 2, 2, -1, -2, 0, 0, 1, 0], 2, 2, 3)), [1, 0, 2, 1]);
  const all = categoryCombinations(2, 3).map((c) => Array.from(c));
  assert.equal(all, [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2], [2, 0], [2, 1], [2, 2]]);
});

// ---- a tiny training run per model ---------------------------------------------------------------

const TINY_BATCH = 16;
const TINY_STEPS = 6;

function tinyBatch(): Float32Array {
  const data = vaeDataset(loadMnist({ data: 'embedded' }).train, 1);
  return data.x.slice(0, TINY_BATCH * COLOURED_PIXELS);
}

const tinyRuns: [string, VaeConfig][] = [
  ['continuous mlp', { kind: 'continuous', variant: 'mlp', latent: 3, variables: 3, categories: 20, hard: false }],
  ['discrete mlp, hard', { kind: 'discrete', variant: 'mlp', latent: 3, variables: 3, categories: 20, hard: true }],
  ['joint mlp', { kind: 'joint', variant: 'mlp', latent: 3, variables: 3, categories: 20, hard: false }],
  ['continuous conv', { kind: 'continuous', variant: 'conv', latent: 3, variables: 3, categories: 20, hard: false }],
];

for (const [name, config] of tinyRuns) {
  test(`${name}: ${TINY_STEPS} Adam steps on ${TINY_BATCH} real images lower the negative ELBO`, async () => {
    await E.setBackend('webgpu');
    E.manualSeed(1);
    const model = new Vae(config);
    const adam = new E.optim.Adam(model.parameters(), { lr: 1e-3 });
    const x = E.tensor(tinyBatch(), [TINY_BATCH, 3, 28, 28]);
    const losses: number[] = [];
    for (let step = 0; step < TINY_STEPS; step++) {
      losses.push((await trainStep(model, adam, x, stepSettings(step, TINY_STEPS))).negativeElbo);
    }
    // an untrained decoder outputs about 0.5 everywhere: BCE near 2352 ln 2 = 1630 nats per image
    assert.ok(Math.abs(losses[0] - 2352 * log(2)) < 100, `first loss ${losses[0]}`);
    assert.ok(losses[TINY_STEPS - 1] < 0.95 * losses[0], `losses ${losses.map((l) => l.toFixed(1)).join(', ')} did not fall by 5%`);
    x.dispose();
    adam.dispose();
    model.dispose();
  });
}

// Summing the objective over the batch (sumOverBatch) multiplies every gradient by B; Adam's moments then
// scale by B and B^2, so its step equals the per-image mean's step with eps / B. Two steps of each, in
// float64 from the same parameters and the same Gumbel noise, must leave the same parameters.
test('trainStep with sumOverBatch is the mean objective under Adam with eps / B', async () => {
  await E.setBackend('cpu');
  const config: VaeConfig = { kind: 'discrete', variant: 'mlp', latent: 3, variables: 3, categories: 20, hard: false };
  const eps = 1e-8;
  const run = async (sumOverBatch: boolean) => {
    E.manualSeed(3);
    const model = new Vae(config);
    const adam = new E.optim.Adam(model.parameters(), { lr: 1e-3, eps: sumOverBatch ? eps : eps / TINY_BATCH });
    const x = E.tensor(tinyBatch(), [TINY_BATCH, 3, 28, 28]);
    const losses: number[] = [];
    for (let step = 0; step < 2; step++) {
      E.manualSeed(100 + step); // the same Gumbel noise in both runs
      losses.push((await trainStep(model, adam, x, stepSettings(step, TINY_STEPS), { sumOverBatch })).negativeElbo);
    }
    const params = await Promise.all(model.parameters().map((p) => p.toArray()));
    x.dispose();
    adam.dispose();
    model.dispose();
    return { losses, params };
  };
  const summed = await run(true);
  const mean = await run(false);
  // reported losses stay per image
  assertClose(summed.losses, mean.losses, 1e-9, 1e-9, 'per-image losses');
  summed.params.forEach((p, i) => assertClose(Array.from(p), Array.from(mean.params[i]), 1e-12, 1e-9, `parameter ${i}`));
  await E.setBackend('webgpu');
});

test('a diverging run (lr 1000) stops at the step whose loss is not finite, naming the terms and ENGINE_DEBUG; --name .. is refused', () => {
  const name = `nan-test-${process.pid}`;
  try {
    const run = spawnSync(process.execPath, ['dist/experiments/vae.mjs', '--epochs', '1', '--set', 'lr=1000', '--name', name], { encoding: 'utf8' });
    assert.is.not(run.status, 0);
    assert.match(run.stderr, /vae: the loss became non-finite at step \d+ of epoch 1 \(objective (NaN|Infinity|-Infinity), negativeElbo .*\); the checkpoint of the last finished epoch is kept\. Rerun with ENGINE_DEBUG=1/);
  } finally {
    rmSync(`runs/${name}`, { recursive: true, force: true });
  }
  // refused by the command line (exit 2), before the device starts
  const outside = spawnSync(process.execPath, ['dist/experiments/vae.mjs', 'sample', '--name', '..', '--colour', 'blue'], { encoding: 'utf8' });
  assert.is(outside.status, 2);
  assert.match(outside.stderr, /vae: --name: run name "\.\." must use letters, digits/);
});

test.after(() => E.releaseDevice());

test.run();
