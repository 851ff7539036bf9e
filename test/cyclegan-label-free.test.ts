// The label-free CycleGAN (models/cyclegan/shape-labels.ts, the label-free preset): k-means and the
// cluster match on hand-worked values, and the whole labeller pipeline run on images whose digit and
// colour labels throw when read, from a folder with no classifier checkpoint in reach. The data's own
// colouring rule (each digit one colour per domain) is the oracle of what the clusters must find.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from '../engine/node.js';
import { loadMnist } from '../models/data/mnist.js';
import { translationDomains, type ColouredDigits } from '../models/data/coloured-mnist.js';
import { imageHues, kMeans, matchClusters, nearestCentroids, trainShapeNetwork, type ShapeNetworkTraining } from '../models/cyclegan/shape-labels.js';
import { imagesBesides, imagesOf, trainingAndValidation } from '../experiments/cyclegan/data.js';
import { CYCLEGAN_COMMAND, modelConfig } from '../experiments/cyclegan/settings.js';
import { parseCommand } from '../experiments/lib/command.js';

test('k-means: two separated pairs give their midpoints and an inertia of 4 x 0.25, from every seed', () => {
  const points = Float64Array.from([0, 0, 0, 1, 10, 10, 10, 11]);
  for (const seed of [0, 1, 2]) {
    const { centroids, assignment, inertia } = kMeans(points, 2, 2, seed);
    assert.is(assignment[0], assignment[1]);
    assert.is(assignment[2], assignment[3]);
    assert.is.not(assignment[0], assignment[2]);
    const first = assignment[0];
    assert.equal(Array.from(centroids.subarray(2 * first, 2 * first + 2)), [0, 0.5]);
    assert.equal(Array.from(centroids.subarray(2 * (1 - first), 2 * (1 - first) + 2)), [10, 10.5]);
    assert.is(inertia, 1);
  }
  assert.equal(Array.from(nearestCentroids(Float64Array.from([1, 1, 9, 9]), 2, Float64Array.from([0, 0, 10, 10])).assignment), [0, 1]);
  assert.throws(() => kMeans(points, 2, 5, 0), /kMeans: 5 clusters of 4 points/);
});

test('cluster match: the largest counts pair first, one to one', () => {
  // from-cluster 0 is mostly to-cluster 2, 1 mostly 0, 2 split between 0 and 1 (0 taken by then): 2 -> 1
  const from = Int32Array.from([0, 0, 0, 1, 1, 1, 1, 2, 2, 2]);
  const to = Int32Array.from([2, 2, 1, 0, 0, 0, 0, 0, 0, 1]);
  const { map, agreement } = matchClusters(from, to, 3);
  assert.equal(Array.from(map), [2, 0, 1]);
  assert.is(agreement, (2 + 4 + 1) / 10);
});

/** A copy of a domain whose digit and colour labels throw when anything reads them. */
function blind(data: ColouredDigits): ColouredDigits {
  const copy = { x: data.x, source: data.source, count: data.count } as ColouredDigits;
  for (const label of ['digit', 'colour'] as const) {
    Object.defineProperty(copy, label, { get: () => { throw new Error(`the label-free labeller read the ${label} labels`); } });
  }
  return copy;
}

const TINY: ShapeNetworkTraining = {
  clusters: 10,
  first: { epochs: 2, batchSize: 32, lr: 3e-3, decayEvery: 2, maxShift: 0, seed: 1 },
  both: { epochs: 1, batchSize: 32, lr: 3e-3, decayEvery: 2, maxShift: 0, seed: 2 },
};

test('the shape network trains from images alone: labels unread, no checkpoint loaded, clusters are the digits', async () => {
  await E.setBackend('webgpu');
  const mnist = loadMnist();
  const grey = { images: mnist.train.images.subarray(0, 1200 * 784), labels: mnist.train.labels.subarray(0, 1200), count: 1200 };
  const domains = translationDomains(grey, { seed: 3 });
  const a = trainingAndValidation(domains.a, 100, 60, 3);
  const b = trainingAndValidation(domains.b, 100, 60, 4);
  // the oracle: the data's own colouring puts every digit of a domain in one colour, so each cluster is one digit
  for (const domain of [domains.a, domains.b]) {
    const { assignment } = kMeans(imageHues(imagesOf(domain)), 3, 10, 0);
    const digitOf = new Map<number, number>();
    assignment.forEach((cluster, i) => {
      assert.is(digitOf.get(cluster) ?? domain.digit[i], domain.digit[i], `cluster ${cluster} holds two digits`);
      digitOf.set(cluster, domain.digit[i]);
    });
    assert.is(digitOf.size, 10);
  }
  const home = process.cwd();
  const dir = mkdtempSync(join(tmpdir(), 'label-free-'));
  process.chdir(dir); // no runs/classifier or runs/digit-features in reach: a checkpoint load would fail
  try {
    const [trainA, trainB, validA, validB] = [blind(domains.a), blind(domains.b), blind(a.validation!), blind(b.validation!)];
    const network = await trainShapeNetwork(
      { a: imagesBesides(trainA, validA), b: imagesBesides(trainB, validB) },
      { a: imagesOf(validA), b: imagesOf(validB) },
      { rootDir: 'runs', name: 'shape-network', seed: 3, training: TINY, progress: 'off' },
    );
    assert.equal(readdirSync('runs').sort(), ['shape-network', 'shape-network-first']);
    // the match is one to one (that it pairs the right clusters needs a trained network: the run's log and
    // docs/results-cyclegan.md check it against the permutation; matchClusters is checked by hand above)
    assert.equal([...network.report.matchBToA].sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(network.report.clusterSizesA.reduce((s, n) => s + n, 0), domains.a.count - 60);
    assert.ok(network.report.validationAgreement > 0.2, // chance: 0.1
       `validation agreement ${network.report.validationAgreement}`);
    network.model.dispose();
  } finally {
    process.chdir(home);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the label-free preset trains its own labeller, names no checkpoint, and conditions all four networks on it', () => {
  const { config } = parseCommand(CYCLEGAN_COMMAND, ['--preset', 'label-free']);
  assert.equal([config.labeller, config.clusterLabeller, config.genLabelled, config.genKernel], ['', true, true, 1]);
  const model = modelConfig(config);
  assert.equal([model.labelled, model.labelledGenerators], [true, true]);
  assert.throws(() => parseCommand(CYCLEGAN_COMMAND, ['--preset', 'label-free', '--set', 'labeller=runs/digit-features/classifier.safetensors']), /clusterLabeller=true trains its own labeller/);
  assert.throws(() => parseCommand(CYCLEGAN_COMMAND, ['--preset', 'label-free', '--set', 'validationImages=0']), /clusterLabeller=true needs validationImages > 0/);
  assert.throws(() => parseCommand(CYCLEGAN_COMMAND, ['--preset', 'label-free', '--set', 'clusterLabeller=false']), /genLabelled needs a labeller/);
});

test.run();
