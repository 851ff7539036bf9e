// Tests for the colour-selection mechanisms of models/vae/control.ts: k-means and the fitted mixtures
// on a hand-made 2-D point set whose clusters, weights and covariances are worked out by hand, the
// mechanism names, and codes drawn from a mixture of points.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../engine/index.js';
import { Vae } from '../models/vae/model.js';
import { colourCodes, fitMixture, kMeans, parseControlMechanism } from '../models/vae/control.js';
import { assertClose } from './lib/check.js';

// Square A (0,0), (2,0), (0,2), (2,2) around (1,1); square B around (11,11); and (20,20).
// Overall mean (68/9, 68/9): the farthest point from it is (20,20), the first centre; the farthest from
// (20,20) is (0,0), the second. Square A goes to (0,0); B is nearer (20,20) ((10,10) ties at 200 and
// goes to the first centre). Centres move to (12.8, 12.8) (B with (20,20): 64/5) and (1,1), and no
// point changes centre in the next round.
const SQUARE_A = [[0, 0], [2, 0], [0, 2], [2, 2]];
const SQUARE_B = [[10, 10], [12, 10], [10, 12], [12, 12]];
const POINTS = [...SQUARE_A, ...SQUARE_B, [20, 20]];
/** Sample covariance of square A is 4/3 I (divided by n - 1); fitGaussian adds a ridge of 1e-6. */
const SQUARE_A_VARIANCE = 4 / 3 + 1e-6;

test('kMeans: farthest-first centres, then Lloyd rounds, on a hand-made 2-D set', () => {
  const { centres, assignment } = kMeans(POINTS, 2);
  assertClose(centres.flat(), [12.8, 12.8, 1, 1], 1e-12, 0, 'centres');
  assert.equal(assignment, [1, 1, 1, 1, 0, 0, 0, 0, 0]);
  // k = 1 is the overall mean; k = n puts every point in its own cluster
  assertClose(kMeans(POINTS, 1).centres.flat(), [68 / 9, 68 / 9], 1e-12, 0, 'one centre');
  assert.equal(new Set(kMeans(POINTS, POINTS.length).assignment).size, POINTS.length);
  assert.throws(() => kMeans(POINTS, 10), /kMeans: k must be an integer in 1 \.\. 9/);
});

test('fitMixture: components weighted by their share, covariance scaled by s', () => {
  const [b, a] = fitMixture(POINTS, { kind: 'mixture', components: 2, scale: 0.25 });
  assertClose([b.weight, a.weight], [5 / 9, 4 / 9], 1e-12, 0, 'weights');
  assertClose(b.mean, [12.8, 12.8], 1e-12, 0, 'mean of B and (20,20)');
  assertClose(a.mean, [1, 1], 1e-12, 0, 'mean of A');
  // chol(0.25 S) = 0.5 chol(S), S = (4/3 + ridge) I
  const sd = 0.5 * Math.sqrt(SQUARE_A_VARIANCE);
  assertClose(a.cholesky!.flat(), [sd, 0, 0, sd], 1e-9, 0, 'scaled factor of A');
  // more components than points: one point component per point
  const split = fitMixture(SQUARE_A, { kind: 'mixture', components: 16, scale: 1 });
  assert.equal(split.map((c) => [c.weight, c.cholesky]), SQUARE_A.map(() => [1 / 4, null]));
  assert.equal(new Set(split.map((c) => c.mean.join(','))), new Set(SQUARE_A.map((p) => p.join(','))));
  const means = fitMixture(POINTS, { kind: 'means' });
  assert.equal(means.map((c) => c.mean), POINTS);
  assert.ok(means.every((c) => c.weight === 1 / POINTS.length && c.cholesky === null));
});

test('parseControlMechanism names every mechanism and rejects the rest', () => {
  assert.equal(parseControlMechanism('gaussian'), { mechanism: { kind: 'mixture', components: 1, scale: 1 }, keptOnly: false });
  assert.equal(parseControlMechanism('gaussian-0.5'), { mechanism: { kind: 'mixture', components: 1, scale: 0.5 }, keptOnly: false });
  assert.equal(parseControlMechanism('kept-mixture-16-0.5'), { mechanism: { kind: 'mixture', components: 16, scale: 0.5 }, keptOnly: true });
  assert.equal(parseControlMechanism('means'), { mechanism: { kind: 'means' }, keptOnly: false });
  for (const bad of ['mixture', 'mixture-2.5', 'means-3', 'gaussian--1', 'kmeans-4']) {
    assert.throws(() => parseControlMechanism(bad), /parseControlMechanism/, bad);
  }
});

test('colourCodes: a mixture of two points gives only those points, each about half the time', async () => {
  await E.setBackend('webgpu');
  E.manualSeed(0);
  const model = new Vae({ kind: 'continuous', variant: 'mlp', latent: 2, variables: 1, categories: 2, hard: false });
  const mixture = [
    { weight: 0.5, mean: [1, 2], cholesky: null },
    { weight: 0.5, mean: [-3, -4], cholesky: null },
  ];
  const count = 200;
  const codes = await colourCodes(model, { mixtures: Array.from({ length: 10 }, () => mixture) }, 7, count);
  const firsts = Array.from({ length: count }, (_, i) => codes[2 * i]);
  assert.ok(firsts.every((z, i) => (z === 1 && codes[2 * i + 1] === 2) || (z === -3 && codes[2 * i + 1] === -4)), 'every code is one of the two points');
  // binomial(200, 1/2): standard deviation ~7, so 100 +- 40 fails with probability ~1e-8
  const ones = firsts.filter((z) => z === 1).length;
  assert.ok(Math.abs(ones - count / 2) < 40, `${ones} of ${count} codes drew the first point`);
  model.dispose();
});

test.after(() => E.releaseDevice());
test.run();
